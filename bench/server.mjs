// The servers under test, each in its own process on loopback: the built Refinery server and the
// peers of peers.mjs. Their CPU and RSS are read from /proc, so they are the server's own.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

const SERVER_ENTRY = new URL('../server/dist/index.js', import.meta.url).pathname
const PEERS_ENTRY = new URL('./peers.mjs', import.meta.url).pathname
const CLOCK_TICKS = 100
/** Node flags that let the bench ask a server process for a full GC (see memory-probe.mjs). */
export const MEMORY_PROBE_ARGS = [
  '--expose-gc',
  '--import',
  new URL('./memory-probe.mjs', import.meta.url).pathname,
]
const MEMORY_PROBE_DIR = mkdtempSync(join(tmpdir(), 'refinery-bench-memory-'))
// Every server process inherits it; only those started with MEMORY_PROBE_ARGS use it.
process.env.BENCH_MEMORY_PROBE_DIR = MEMORY_PROBE_DIR
process.once('exit', () => rmSync(MEMORY_PROBE_DIR, { recursive: true, force: true }))
export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** CPU seconds the whole machine has been busy, and this process with its reaped children. */
export function cpuAccount() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number)
  const [user, nice, system, , , irq, softirq, steal] = ticks
  const own = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ').map(Number)
  return {
    machine: (user + nice + system + irq + softirq + steal) / 100,
    // utime, stime, cutime, cstime: fields 14 to 17 of /proc/<pid>/stat.
    bench: (own[11] + own[12] + own[13] + own[14]) / 100,
  }
}

/** The machine's load average (1, 5 and 15 minutes), as /proc/loadavg says it. */
export function loadAverage() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
}

/**
 * The CPU seconds other processes used since `start` (a cpuAccount()), and their share of the
 * machine over `seconds`: what the figures shared the machine with. With a `tree` (ownProcessTree),
 * the bench's own processes are those it saw descend from it, not only the children it reaped:
 * Chromium's renderers end after the browser process and are never reaped by the bench.
 */
export function otherProcessesLoad(start, seconds, tree = null) {
  const end = cpuAccount()
  const own = tree ? tree.stop() : end.bench - start.bench
  const others = Math.max(0, end.machine - start.machine - own)
  return { otherCpuSeconds: others, share: others / (seconds * availableParallelism()) }
}

/**
 * Follows every process that descends from this one, by /proc, twice a second, and adds up the CPU
 * each used (its own utime + stime, as last seen). `stop()` answers the CPU seconds since the start.
 */
export function ownProcessTree() {
  const ours = new Map([[process.pid, 0]])
  const baseline = new Map()
  const sample = () => {
    const parents = new Map()
    const used = new Map()
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      try {
        const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')
        parents.set(Number(entry), Number(fields[1]))
        used.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / 100)
      } catch {
        // Gone since the listing.
      }
    }
    for (const [pid, cpu] of used) {
      for (let at = pid, hops = 0; at && hops < 64; at = parents.get(at), hops++) {
        if (!ours.has(at)) continue
        // A process first seen here started after the bench did (the bench itself: from now on).
        if (!baseline.has(pid)) baseline.set(pid, pid === process.pid ? cpu : 0)
        ours.set(pid, cpu)
        break
      }
    }
  }
  sample()
  const timer = setInterval(sample, 500)
  timer.unref()
  return {
    stop() {
      sample()
      clearInterval(timer)
      let total = 0
      for (const [pid, cpu] of ours) total += Math.max(0, cpu - (baseline.get(pid) ?? 0))
      return total
    },
  }
}

/** CPU and memory of one process, from /proc. */
export function processStats(pid) {
  return {
    /**
     * Asks the process (started with MEMORY_PROBE_ARGS) for a full GC; resolves with its
     * process.memoryUsage() after it, or null if it did not answer within 5 s.
     */
    async collectGarbage() {
      const file = join(MEMORY_PROBE_DIR, `${pid}.json`)
      rmSync(file, { force: true })
      process.kill(pid, 'SIGUSR2')
      for (let i = 0; i < 100; i++) {
        await sleep(50)
        try {
          return JSON.parse(readFileSync(file, 'utf8'))
        } catch {}
      }
      return null
    },
    /** User + system CPU seconds the process has used so far. */
    cpuSeconds() {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
    },
    /** Per thread (BENCH_DEBUG): name → [user, system] CPU seconds so far. */
    threadCpu() {
      const threads = {}
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        try {
          const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
          const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
          const fields = stat.split(') ')[1].split(' ')
          const [user, system] = threads[name] ?? [0, 0]
          threads[name] = [user + Number(fields[11]) / CLOCK_TICKS, system + Number(fields[12]) / CLOCK_TICKS]
        } catch {}
      }
      return threads
    },
    rssBytes() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024
    },
  }
}

export async function waitUntilUp(url, child, what) {
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} while starting`)
    try {
      if ((await fetch(url)).ok) return
    } catch {}
    await sleep(50)
  }
  child.kill('SIGKILL')
  throw new Error(`${what} did not answer ${url} within 15 s`)
}

export function stopper(child) {
  return async (signal = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill(signal)
    let timer
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(true), 15_000)
      }),
    ])
    clearTimeout(timer)
    if (timedOut) {
      child.kill('SIGKILL')
      await exited
    }
  }
}

/**
 * Starts the built Refinery server with a fresh data directory (or the given DATA_DIR). `nodeArgs`
 * go to node itself (e.g. --cpu-prof); `entry` is another build to start.
 */
export async function startRefinery(env = {}, { nodeArgs = [], entry = SERVER_ENTRY } = {}) {
  const port = env.PORT ? Number(env.PORT) : await freePort()
  const ownDataDir = env.DATA_DIR === undefined
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'refinery-bench-'))
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      CLIENT_DIST: '',
      LOG_LEVEL: 'warn',
      AUTH_RATE_LIMIT_PER_ADDRESS: '100000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '100000',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const http = `http://127.0.0.1:${port}`
  try {
    await waitUntilUp(`${http}/api/health`, child, 'refinery')
  } catch (error) {
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true })
    throw error
  }
  const stop = stopper(child)
  return {
    kind: 'refinery',
    port,
    http,
    ws: `ws://127.0.0.1:${port}`,
    dataDir,
    child,
    origin: env.PUBLIC_URL ?? `http://localhost:${port}`,
    ...processStats(child.pid),
    /** Rooms and connections the server holds, from its /metrics. */
    async stats() {
      const text = await (await fetch(`${http}/metrics`)).text()
      const gauge = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN)
      return {
        rooms: gauge('refinery_open_rooms'),
        connections: gauge('refinery_connections'),
        updatesIn: gauge('refinery_updates_in_total'),
        storedBatches: gauge('refinery_persistence_seconds_count'),
        // The relay's hop from another instance, as cumulative bucket counts [upper bound s, count].
        relayLagBuckets: [
          ...text.matchAll(/^refinery_relay_lag_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm),
        ].map(([, le, count]) => [Number(le), Number(count)]),
      }
    },
    async stop(signal) {
      await stop(signal)
      if (ownDataDir && !env.KEEP_DATA_DIR) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Starts a peer of peers.mjs ('ywebsocket', 'hocuspocus' or 'relay') in its own process. */
export async function startPeer(kind, { nodeArgs = [] } = {}) {
  const port = await freePort()
  const child = spawn(process.execPath, [...nodeArgs, PEERS_ENTRY, kind, String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const http = `http://127.0.0.1:${port}`
  await waitUntilUp(`${http}/stats`, child, kind)
  return {
    kind,
    port,
    http,
    ws: `ws://127.0.0.1:${port}`,
    child,
    ...processStats(child.pid),
    async stats() {
      return (await fetch(`${http}/stats`)).json()
    },
    stop: stopper(child),
  }
}

async function post(server, path, body, cookie) {
  const request = () =>
    fetch(`${server.http}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: server.origin,
        ...(cookie ? { cookie } : {}),
      },
      body: JSON.stringify(body),
    })
  // fetch may reuse a keep-alive socket the server closed while a long scenario ran: retry once.
  const response = await request().catch(request)
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`)
  return response
}

/** Signs up a bench user; returns its session cookie. */
export async function signUp(server) {
  const email = `bench.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`
  const response = await post(server, '/api/auth/signup', {
    email,
    password: 'bench password',
    name: 'Bench',
  })
  return response.headers.getSetCookie()[0].split(';')[0]
}

/** Creates a board owned by the cookie's user; returns its id. */
export async function createBoard(server, cookie, title = 'Bench board') {
  return (await (await post(server, '/api/boards', { title }, cookie)).json()).id
}

/** Signs up a bench user and creates a board; returns the session cookie and board id. */
export async function boardFor(server, title = 'Bench board') {
  const cookie = await signUp(server)
  return { cookie, boardId: await createBoard(server, cookie, title) }
}

/** A fresh PostgreSQL schema, and the DATABASE_URL that keeps Refinery's tables in it. */
export async function freshSchema() {
  const schema = `bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  const client = new pg.Client({ connectionString: POSTGRES_URL })
  await client.connect()
  try {
    await client.query(`CREATE SCHEMA ${schema}`)
  } finally {
    await client.end()
  }
  const separator = POSTGRES_URL.includes('?') ? '&' : '?'
  return {
    schema,
    databaseUrl: `${POSTGRES_URL}${separator}options=-c%20search_path%3D${schema}`,
    async drop() {
      const dropper = new pg.Client({ connectionString: POSTGRES_URL })
      await dropper.connect()
      try {
        await dropper.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      } finally {
        await dropper.end()
      }
    },
  }
}
