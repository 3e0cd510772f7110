// `pnpm --filter ./bench hostile`: what hostile members cost the server (issue 14), not part of
// `pnpm bench`. Two scenarios, each on a fresh server in its own process (so RSS is the server's
// alone, from /proc) with the clients in this one:
//   flood  a viewer sends two awareness frames of a million tiny presences each, while the board's
//          owner is on it with the stock client
//   fuzz   the fuzz suite's attack (server/test/hostileFrames.ts): 100,000 generated frames, valid and
//          hostile, from two attackers (an editor on three sockets, a viewer on two) while two people
//          edit the board and a third watches
// For each: the server's RSS before and at its peak (VmHWM), and GET /api/health latency sampled
// every 50 ms while it lasts (p50, max). One JSON line per figure on stdout ({"name","value","unit"}),
// progress on stderr.
//
// HOSTILE_SERVER=/path/to/server/dist/index.js measures another build (default: this tree's
// server/dist, from `pnpm build`); HOSTILE_ONLY=flood or fuzz runs one scenario; HOSTILE_FRAMES and
// HOSTILE_SEED change the fuzz's frames, which stop after HOSTILE_FUZZ_SECONDS (300; the frames sent
// by then are a figure of their own).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { ATTACK_MAX_MESSAGE_BYTES, attack, frameSpecs } from '../server/test/hostileFrames.ts'
import { createBoard, freePort, signUp } from './server.mjs'

const SERVER_ENTRY = resolve(
  process.env.HOSTILE_SERVER ?? new URL('../server/dist/index.js', import.meta.url).pathname,
)
const ONLY = process.env.HOSTILE_ONLY
const FRAMES = Number(process.env.HOSTILE_FRAMES || 100_000)
const SEED = Number(process.env.HOSTILE_SEED || 14)
const FUZZ_SECONDS = Number(process.env.HOSTILE_FUZZ_SECONDS || 300)
const FLOOD_PRESENCES = 1_000_000
/** After the server has read the flood, how long it may take to be idle again; sampled until then. */
const FLOOD_AFTERMATH_MS = 120_000
const SAMPLE_MS = 50

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const progress = (message) => process.stderr.write(`[hostile] ${message}\n`)
const mib = (bytes) => bytes / 2 ** 20

/** One figure; `note` says what to know about it (the server died during it, say). */
function report(name, value, unit, note) {
  const figure = { name, value: Math.round(value * 100) / 100, unit, ...(note ? { note } : {}) }
  process.stdout.write(`${JSON.stringify(figure)}\n`)
}

function memory(pid, field) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)[1]) * 1024
}

/** How much memory a process has held at most, read every 50 ms: still known after it died. */
function watchPeak(pid) {
  let peak = 0
  const read = () => {
    try {
      peak = memory(pid, 'VmHWM')
    } catch {
      clearInterval(timer)
    }
  }
  const timer = setInterval(read, SAMPLE_MS)
  return () => {
    read()
    return peak
  }
}

/** The server under test, in its own process with a fresh data directory. */
async function startServer(env = {}) {
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'refinery-hostile-'))
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      CLIENT_DIST: '',
      LOG_LEVEL: 'error',
      AUTH_RATE_LIMIT_PER_ADDRESS: '100000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '100000',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  // Its errors, as they come; the last of them say why it died, if it does.
  let errors = ''
  child.stderr.on('data', (chunk) => {
    process.stderr.write(chunk)
    errors = (errors + chunk).slice(-2000)
  })
  const http = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 15_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} while starting`)
    if (Date.now() > deadline) throw new Error('the server did not start within 15 s')
    if (
      await fetch(`${http}/api/health`).then(
        (response) => response.ok,
        () => false,
      )
    )
      break
    await sleep(50)
  }
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const gone = new AbortController()
  child.once('exit', () => gone.abort())
  const peakRss = watchPeak(child.pid)
  return {
    http,
    port,
    origin: `http://localhost:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    child,
    /** Aborts when the process exits. */
    gone: gone.signal,
    /** Null while it runs; why it stopped once it has: its exit code and the error it died of. */
    exit() {
      if (child.exitCode === null && child.signalCode === null) return null
      const error = errors.split('\n').find((line) => /^\w*Error\b/.test(line))
      return `exited with ${child.exitCode ?? child.signalCode}${error ? ` (${error.trim()})` : ''}`
    },
    rss: () => memory(child.pid, 'VmRSS'),
    peakRss,
    async stop() {
      if (child.exitCode === null) child.kill('SIGKILL')
      await exited
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Adds a member with `role` to the board, through an invite link as the product does. */
async function addMember(server, ownerCookie, boardId, role) {
  const headers = (cookie) => ({ 'content-type': 'application/json', origin: server.origin, cookie })
  const invite = await fetch(`${server.http}/api/boards/${boardId}/invites`, {
    method: 'POST',
    headers: headers(ownerCookie),
    body: JSON.stringify({ role }),
  }).then((response) => response.json())
  const cookie = await signUp(server)
  const accepted = await fetch(`${server.http}/api/invites/${invite.token}/accept`, {
    method: 'POST',
    headers: headers(cookie),
    body: '{}',
  })
  if (!accepted.ok) throw new Error(`joining as ${role} failed: ${accepted.status}`)
  return cookie
}

/** A socket class that sends the Origin header and session cookie a browser would. */
function browserSocket(server, cookie) {
  return class extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols, { headers: { origin: server.origin, cookie } })
    }
  }
}

/** A well-behaved client: the stock provider, as the board page connects it; `closes` counts its socket's. */
function connectClient(server, boardId, cookie) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`${server.ws}/sync`, boardId, doc, {
    WebSocketPolyfill: browserSocket(server, cookie),
    disableBc: true,
  })
  const synced = new Promise((resolve) => provider.once('sync', resolve))
  const client = { doc, provider, synced, closes: 0, destroy: () => provider.destroy() }
  provider.on('connection-close', () => client.closes++)
  return client
}

/**
 * GET /api/health every 50 ms (or as soon as the last answer came, if that took longer). `settled`
 * resolves once the last second's answers all came within 20 ms: the server is idle again.
 */
function sampleHealth(server) {
  const latencies = []
  let failures = 0
  let running = true
  const done = (async () => {
    while (running && !server.gone.aborted) {
      const started = performance.now()
      const answered = await fetch(`${server.http}/api/health`).then(
        (response) => response.ok,
        () => false,
      )
      const ms = performance.now() - started
      if (answered) latencies.push(ms)
      else failures++
      await sleep(Math.max(0, SAMPLE_MS - ms))
    }
  })()
  const quietSamples = 1000 / SAMPLE_MS
  return {
    async settled(timeoutMs) {
      const deadline = Date.now() + timeoutMs
      const from = latencies.length
      while (Date.now() < deadline && !server.gone.aborted) {
        const recent = latencies.slice(Math.max(from, latencies.length - quietSamples))
        if (recent.length >= quietSamples && recent.every((ms) => ms < 20)) return true
        await sleep(SAMPLE_MS)
      }
      return false
    },
    async stop() {
      running = false
      await done
      const sorted = latencies.sort((a, b) => a - b)
      return {
        p50: sorted[Math.floor(sorted.length / 2)],
        max: sorted.at(-1),
        samples: sorted.length,
        failures,
      }
    },
  }
}

/** One awareness frame of `count` presences `{}` with client ids from `first` on. */
function crowdFrame(first, count) {
  const bytes = new Uint8Array(8 + count * 12)
  let at = 0
  const varUint = (value) => {
    while (value > 0x7f) {
      bytes[at++] = 0x80 | (value & 0x7f)
      value = Math.floor(value / 128)
    }
    bytes[at++] = value
  }
  varUint(1) // awareness
  const lengthAt = at
  at += 5 // the payload's length, written once known
  const start = at
  varUint(count)
  for (let id = first; id < first + count; id++) {
    varUint(id)
    varUint(1)
    varUint(2)
    bytes[at++] = 0x7b // {
    bytes[at++] = 0x7d // }
  }
  // The payload's length as a 5-byte varint (padded), so the payload need not move.
  let length = at - start
  for (let i = 0; i < 5; i++) {
    bytes[lengthAt + i] = (length & 0x7f) | (i < 4 ? 0x80 : 0)
    length = Math.floor(length / 128)
  }
  return bytes.subarray(0, at)
}

async function board(server) {
  const ownerCookie = await signUp(server)
  const boardId = await createBoard(server, ownerCookie, 'Hostile')
  return { ownerCookie, boardId }
}

async function flood() {
  const server = await startServer()
  try {
    const { ownerCookie, boardId } = await board(server)
    const viewerCookie = await addMember(server, ownerCookie, boardId, 'viewer')
    const owner = connectClient(server, boardId, ownerCookie)
    await owner.synced
    owner.provider.awareness.setLocalStateField('cursor', { x: 1, y: 1 })
    await sleep(500)
    const before = server.rss()
    const frames = [crowdFrame(1, FLOOD_PRESENCES), crowdFrame(1 + FLOOD_PRESENCES, FLOOD_PRESENCES)]
    progress(
      `flood: ${frames.length} frames of ${FLOOD_PRESENCES} presences, ${mib(frames[0].length).toFixed(1)} MiB each`,
    )

    const socket = new (browserSocket(server, viewerCookie))(`${server.ws}/sync/${boardId}`)
    socket.on('error', () => undefined)
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`refused: ${response.statusCode}`)),
      )
    })
    const health = sampleHealth(server)
    const started = performance.now()
    const closed = new Promise((resolve) => socket.once('close', resolve))
    for (const frame of frames) socket.send(frame)
    // The server has read both frames once it answers a ping sent after them, or closed the socket.
    socket.ping()
    const code = await Promise.race([
      new Promise((resolve) => socket.once('pong', () => resolve('open'))),
      closed,
    ])
    const readMs = performance.now() - started
    // What it relays, and what clients send back, comes after: until the server is idle again.
    const settled = await health.settled(FLOOD_AFTERMATH_MS)
    const { p50, max, samples } = await health.stop()
    const note = server.exit() && `the server ${server.exit()}`
    progress(
      `flood: read in ${readMs.toFixed(0)} ms, the viewer's socket ${code === 'open' ? 'still open' : `closed ${code}`}; ` +
        `the owner's socket closed ${owner.closes} times; ${samples} health samples; ` +
        `${settled ? 'idle again' : `still busy ${FLOOD_AFTERMATH_MS / 1000} s later`}`,
    )
    report('refinery.hostile.awareness_flood.rss_before', mib(before), 'MiB')
    report('refinery.hostile.awareness_flood.rss_peak', mib(server.peakRss()), 'MiB', note)
    report('refinery.hostile.awareness_flood.health_p50', p50, 'ms', note)
    report('refinery.hostile.awareness_flood.health_max', max, 'ms', note)
    report('refinery.hostile.awareness_flood.read', readMs, 'ms', note)
    socket.terminate()
    owner.destroy()
  } finally {
    await server.stop()
  }
}

async function fuzz() {
  const server = await startServer({ MAX_MESSAGE_BYTES: String(ATTACK_MAX_MESSAGE_BYTES) })
  // y-protocols logs an update a client cannot apply rather than throwing: count them instead.
  let unappliable = 0
  const consoleError = console.error
  console.error = (...args) => {
    if (String(args[0]).includes('while handling a Yjs update')) unappliable++
    else consoleError(...args)
  }
  const clients = []
  try {
    const { ownerCookie, boardId } = await board(server)
    const editorCookie = await addMember(server, ownerCookie, boardId, 'editor')
    const watcherCookie = await addMember(server, ownerCookie, boardId, 'viewer')
    const malloryCookie = await addMember(server, ownerCookie, boardId, 'editor')
    const trudyCookie = await addMember(server, ownerCookie, boardId, 'viewer')
    for (const cookie of [ownerCookie, editorCookie, watcherCookie])
      clients.push(connectClient(server, boardId, cookie))
    await Promise.all(clients.map((client) => client.synced))
    let round = 0
    const editing = setInterval(() => {
      for (const [w, writer] of clients.slice(0, 2).entries()) {
        const card = new Y.Map([
          ['typeName', 'shape'],
          ['type', 'story-card'],
          ['props', new Y.Map([['title', `round ${round}`]])],
        ])
        writer.doc.getMap('records').set(`shape:w${w}-${round % 40}`, card)
      }
      for (const client of clients) client.provider.awareness.setLocalStateField('cursor', { x: round })
      round++
    }, 25)
    await sleep(500)
    // A vote, which the votes route writes: hostile updates go after it.
    const voted = await fetch(`${server.http}/api/boards/${boardId}/votes/shape:w0-1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', origin: server.origin, cookie: ownerCookie },
      body: JSON.stringify({ dots: 2 }),
    })
    if (!voted.ok) throw new Error(`voting failed: ${voted.status}`)
    await sleep(200)
    const before = server.rss()
    const specs = frameSpecs(SEED, FRAMES)
    const socket = (cookie) => () => {
      const socket = new (browserSocket(server, cookie))(`${server.ws}/sync/${boardId}`)
      const opened = new Promise((resolve, reject) => {
        socket.once('open', resolve)
        socket.once('unexpected-response', (_request, response) =>
          reject(new Error(`refused: ${response.statusCode}`)),
        )
        socket.once('error', reject)
      })
      return { socket, opened }
    }
    const health = sampleHealth(server)
    let shown = 0
    const result = await attack({
      board: { doc: clients[0].doc, victims: clients.map((client) => client.provider.awareness) },
      attackers: [
        ...['mallory-1', 'mallory-2', 'mallory-3'].map((name) => ({ name, open: socket(malloryCookie) })),
        ...['trudy-1', 'trudy-2'].map((name) => ({ name, open: socket(trudyCookie) })),
      ],
      specs,
      maxMessageBytes: ATTACK_MAX_MESSAGE_BYTES,
      signal: AbortSignal.any([AbortSignal.timeout(FUZZ_SECONDS * 1000), server.gone]),
      onProgress(report) {
        if (report.frames - shown < 10_000) return
        shown = report.frames
        progress(
          `fuzz: ${report.frames} frames, ${report.sockets} sockets, server peak RSS ${mib(server.peakRss()).toFixed(0)} MiB`,
        )
      },
    }).finally(() => clearInterval(editing))
    // A socket that failed may be the first sign of a server that died: let its exit be seen.
    if (result.error)
      await Promise.race([
        new Promise((resolve) => server.gone.addEventListener('abort', resolve)),
        sleep(1000),
      ])
    const { p50, max, samples, failures } = await health.stop()
    const exit = server.exit()
    progress(
      `fuzz: ${result.frames} frames over ${result.sockets} sockets in ${(result.ms / 1000).toFixed(1)} s; ` +
        `closes ${JSON.stringify(result.closes)}; ${samples} health samples, ${failures} unanswered; ` +
        `server ${exit ?? 'alive'}; ${result.error ? `stopped: ${result.error}; ` : ''}` +
        `well-behaved sockets closed: ${clients.reduce((sum, client) => sum + client.closes, 0)}; ` +
        `updates the well-behaved clients could not apply: ${unappliable}`,
    )
    // A server that died during the attack: its figures are of the frames up to then.
    const note =
      (exit && `the server ${exit} after ${result.frames} frames`) ||
      (result.error && `stopped after ${result.frames} frames: ${result.error}`)
    report('refinery.hostile.fuzz.rss_before', mib(before), 'MiB')
    report('refinery.hostile.fuzz.rss_peak', mib(server.peakRss()), 'MiB', note)
    report('refinery.hostile.fuzz.health_p50', p50, 'ms', note)
    report('refinery.hostile.fuzz.health_max', max, 'ms', note)
    report('refinery.hostile.fuzz.frames', result.frames, 'frames', note)
    report('refinery.hostile.fuzz.seconds', result.ms / 1000, 's', note)
    report('refinery.hostile.fuzz.frames_per_second', result.frames / (result.ms / 1000), 'frames/s', note)
  } finally {
    for (const client of clients) client.destroy()
    console.error = consoleError
    await server.stop()
  }
}

progress(`server: ${SERVER_ENTRY}`)
if (!ONLY || ONLY === 'flood') await flood()
if (!ONLY || ONLY === 'fuzz') await fuzz()
// The providers' timers and the last sockets would keep the process up a while longer.
process.exit(0)
