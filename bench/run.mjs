// `pnpm bench`: Refinery against the reference y-websocket server (1.5.4), Hocuspocus 4 and a raw
// WebSocket byte relay, all on loopback, each server in its own process and the clients in another.
// Prints one JSON line per figure on stdout ({"name", "value", "unit"}, plus "note" where a figure
// could not be taken), progress on stderr, and writes the table to bench/RESULTS.md.
//
// BENCH_ONLY=refinery,hocuspocus limits the comparison to those servers and BENCH_SKIP=idle,sustained
// skips sections (fanout, paced, burst, sustained, cold_sync, idle, spread, backlog, import, persistence);
// BENCH_READERS=50 and BENCH_IDLE=2000 shrink the sizes. They are for working on the bench: a full run
// takes every figure. BENCH_CPU_PROF=1 runs Refinery under --cpu-prof and BENCH_CLIENT_PROF=1 the
// clients (profiles in bench/out/profiles); BENCH_NODE_ARGS adds node flags to Refinery;
// BENCH_DEBUG=1 logs the slowest updates of each fan-out.
import { fork } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, totalmem } from 'node:os'
import { reporter, writeResults } from './results.mjs'
import {
  cpuAccount,
  createBoard,
  freePort,
  freshSchema,
  loadAverage,
  MEMORY_PROBE_ARGS,
  otherProcessesLoad,
  REDIS_URL,
  signUp,
  startPeer,
  startRefinery,
} from './server.mjs'

const CLIENTS = new URL('./clients.mjs', import.meta.url).pathname
const PROFILE_DIR = new URL('./out/profiles', import.meta.url).pathname

const SIZES = {
  updates: 1000,
  pacedRate: 100,
  burstRounds: 5,
  readers: (process.env.BENCH_READERS ?? '10,50,200').split(',').map(Number),
  sustainedReaders: [50, 200],
  sustainedRates: [50, 100, 150, 200, 300, 450, 700, 1000, 1500, 2200, 3300, 5000, 7500, 11000, 16000],
  sustainedStepMs: 1000,
  maxP99Ms: 100,
  idleConnections: (process.env.BENCH_IDLE ?? '2000,10000').split(',').map(Number),
  idleBoards: 1000,
  idleWarmUp: 50,
  coldSyncEntries: 5000,
  coldSyncRuns: 21,
  spreadReaders: 100,
  backlogCards: 10000,
  importRows: 1000,
  persistenceBoards: 4,
  persistenceUpdates: 2500,
}

const KINDS = [
  { id: 'refinery', label: 'Refinery', yjs: true },
  { id: 'ywebsocket', label: 'y-websocket 1.5.4', yjs: true },
  { id: 'hocuspocus', label: 'Hocuspocus 4', yjs: true },
  { id: 'relay', label: 'raw relay (floor)', yjs: false },
]
const only = process.env.BENCH_ONLY?.split(',').filter(Boolean)
const skip = new Set(process.env.BENCH_SKIP?.split(',').filter(Boolean))
const kinds = only ? KINDS.filter((kind) => only.includes(kind.id)) : KINDS
const profile = process.env.BENCH_CPU_PROF === '1'
if (profile) mkdirSync(PROFILE_DIR, { recursive: true })
/** Node's options for a server of `kind`: a CPU profile per server under bench/out/profiles/<kind>. */
function serverNodeArgs(kind) {
  const args = profile
    ? ['--cpu-prof', '--cpu-prof-interval=200', `--cpu-prof-dir=${PROFILE_DIR}/${kind}`]
    : []
  if (kind === 'refinery' && process.env.BENCH_NODE_ARGS) args.push(...process.env.BENCH_NODE_ARGS.split(' '))
  return args
}

const debug = process.env.BENCH_DEBUG === '1'
/** Per-thread CPU between two `threadCpu()` readings, for BENCH_DEBUG. */
function threadDelta(before, after) {
  return Object.entries(after)
    .map(([name, [user, system]]) => {
      const [user0, system0] = before[name] ?? [0, 0]
      return `${name} [${(user - user0).toFixed(2)}, ${(system - system0).toFixed(2)}]`
    })
    .join(', ')
}

const cpuAtStart = cpuAccount()
const loadAtStart = loadAverage()
const runStarted = performance.now()
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const elapsed = () => `${((performance.now() - runStarted) / 1000).toFixed(0).padStart(4)} s`
const progress = (message) => process.stderr.write(`[bench ${elapsed()}] ${message}\n`)

/** Every figure of the run, by name, as printed. */
const figures = new Map()
const report = reporter(figures)

/**
 * Runs one scenario in a fresh client process. `onMark` sees the marks it sends while it runs (and
 * may answer through the returned child). Resolves with the result, or { error } on failure or timeout.
 */
function runClients(scenario, { timeoutMs, onMark } = {}) {
  return new Promise((resolve) => {
    // A larger young generation: fewer scavenges in the clients, which hold hundreds of Y.Docs.
    const execArgv = ['--max-semi-space-size=32']
    if (process.env.BENCH_CLIENT_PROF === '1')
      execArgv.push('--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}/clients`)
    const child = fork(CLIENTS, [], { stdio: ['ignore', 2, 2, 'ipc'], execArgv })
    let settled = false
    const finish = (outcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (child.exitCode === null) setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 2000)
      resolve(outcome)
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      finish({ error: `timed out after ${timeoutMs / 1000} s` })
    }, timeoutMs ?? 120_000)
    child.on('message', (message) => {
      if (message.mark) onMark?.(message, child)
      else if (message.result) finish({ result: message.result })
      else if (message.error) finish({ error: message.error.split('\n')[0] })
    })
    child.on('exit', (code) => finish({ error: `client process exited with ${code}` }))
    child.send(scenario)
  })
}

/** A server of `kind` with what its clients need: rooms (boards), and the target they connect to. */
async function startKind(kind, env = {}, nodeArgs = []) {
  if (kind === 'refinery') {
    const server = await startRefinery(env, { nodeArgs: [...serverNodeArgs(kind), ...nodeArgs] })
    const cookie = await signUp(server)
    return {
      server,
      target: { kind, ws: server.ws, origin: server.origin, cookie },
      newRoom: () => createBoard(server, cookie),
    }
  }
  const server = await startPeer(kind, { nodeArgs: [...serverNodeArgs(kind), ...nodeArgs] })
  let rooms = 0
  return { server, target: { kind, ws: server.ws }, newRoom: async () => `bench-room-${++rooms}` }
}

function failure(outcome) {
  return outcome.error ?? (outcome.result?.ok === false ? 'not every update arrived' : null)
}

// ---------------------------------------------------------------------------------------------------

/** Whether the server process still runs; a scenario against a dead one reports null at once. */
function gone(server) {
  return server.child.exitCode !== null || server.child.signalCode !== null
}

/** Runs `scenario` against one started server, on a board of its own; `onMark` as for runClients. */
async function onServer(kind, started, scenario, onMark) {
  if (gone(started.server)) throw new Error(`${kind} exited`)
  const room = await started.newRoom()
  return runClients({ ...scenario, targets: [started.target], room }, { timeoutMs: 90_000, onMark })
}

/** Paced fan-out at `readers` on one started server: p50, p99 and the server's CPU. */
async function pacedFigure(kind, started, readers) {
  const { server } = started
  let cpuAtStart = 0
  let cpu = null
  const outcome = await onServer(
    kind,
    started,
    { kind: 'fanout', readers, updates: SIZES.updates, rate: SIZES.pacedRate, drainMs: 10_000 },
    ({ mark }) => {
      if (mark === 'start')
        cpuAtStart = {
          cpu: server.cpuSeconds(),
          at: performance.now(),
          threads: debug && server.threadCpu(),
        }
      if (mark === 'end') {
        cpu = (server.cpuSeconds() - cpuAtStart.cpu) / ((performance.now() - cpuAtStart.at) / 1000)
        if (debug)
          progress(
            `${kind} server threads, CPU s [user, system]: ${threadDelta(cpuAtStart.threads, server.threadCpu())}`,
          )
      }
    },
  )
  const note = failure(outcome)
  const result = outcome.result ?? {}
  report(`${kind}.paced.n${readers}.p50`, note ? null : result.p50, 'ms', note)
  report(`${kind}.paced.n${readers}.p99`, note ? null : result.p99, 'ms', note)
  report(
    `${kind}.paced.n${readers}.server_cpu`,
    cpu === null ? null : cpu * 100,
    '%',
    cpu === null ? note : undefined,
  )
  progress(
    `${kind} paced n=${readers}: p50 ${fmt(result.p50)} p99 ${fmt(result.p99)} ms, server CPU ${fmt(cpu * 100)} %, clients' CPU ${fmt(result.clientCpuMs / 1000)} s${note ? ` (${note})` : ''}`,
  )
}

/** The burst at `readers`: time until every reader has every update. */
async function burstFigure(kind, started, readers) {
  const { server } = started
  let cpuAtStart = 0
  let cpuSeconds = null
  const outcome = await onServer(
    kind,
    started,
    {
      kind: 'fanout',
      readers,
      updates: SIZES.updates,
      rate: 'burst',
      rounds: SIZES.burstRounds,
      drainMs: 30_000,
    },
    ({ mark }) => {
      if (mark === 'start') cpuAtStart = server.cpuSeconds()
      if (mark === 'end') cpuSeconds = (server.cpuSeconds() - cpuAtStart) / SIZES.burstRounds
    },
  )
  const note = failure(outcome)
  report(`${kind}.burst.n${readers}.all_delivered`, note ? null : outcome.result.allDeliveredMs, 'ms', note)
  report(
    `${kind}.burst.n${readers}.server_cpu_seconds`,
    cpuSeconds,
    's',
    cpuSeconds === null ? note : undefined,
  )
  progress(
    `${kind} burst n=${readers}: all delivered in ${fmt(outcome.result?.allDeliveredMs)} ms (median of ${outcome.result?.rounds?.map(fmt).join(', ') ?? '-'})${note ? ` (${note})` : ''}`,
  )
}

/** The sustained rate at `readers`: the last rate that held. */
async function sustainedFigure(kind, started, readers) {
  const outcome = await onServer(kind, started, {
    kind: 'sustained',
    readers,
    rates: SIZES.sustainedRates,
    stepMs: SIZES.sustainedStepMs,
    maxP99Ms: SIZES.maxP99Ms,
    drainMs: 1500,
    deadlineMs: 45_000,
  })
  const result = outcome.result
  let note = outcome.error
  if (result && result.held === null) note = `did not hold even ${SIZES.sustainedRates[0]}/s`
  if (result?.topReached) note = `held the top rate tried (${result.held}/s)`
  report(`${kind}.sustained.n${readers}.rate`, result?.held ?? null, 'updates/s', note)
  progress(`${kind} sustained n=${readers}: ${result?.held ?? '-'} updates/s${note ? ` (${note})` : ''}`)
}

/**
 * Cold sync of every Yjs server in one client process, their clients taken in turn (see `coldSync` in
 * clients.mjs); Refinery also from storage.
 */
async function coldSyncFigures(ids) {
  const servers = []
  try {
    for (const id of ids) servers.push({ id, started: await startKind(id, { ROOM_IDLE_MS: '300' }) })
    const boards = []
    for (const { id, started } of servers) {
      boards.push({
        id,
        target: started.target,
        room: await started.newRoom(),
        statsUrl: id === 'refinery' ? `${started.server.http}/metrics` : null,
      })
    }
    const outcome = await runClients(
      { kind: 'coldSync', boards, entries: SIZES.coldSyncEntries, runs: SIZES.coldSyncRuns },
      { timeoutMs: 60_000 * servers.length },
    )
    const result = outcome.result
    const median = (runs, field) => {
      if (!runs || runs.some((run) => !run.ok || run[field] === null)) return null
      const sorted = runs.map((run) => run[field]).sort((a, b) => a - b)
      return sorted[Math.floor(sorted.length / 2)]
    }
    const n = SIZES.coldSyncEntries
    for (const { id } of servers) {
      const own = result?.byBoard[id]
      report(`${id}.cold_sync.${n}.client_apply`, result?.clientApplyMs ?? null, 'ms', outcome.error)
      const sources = id === 'refinery' ? ['from_memory', 'from_storage'] : ['from_memory']
      for (const source of sources) {
        const runs = source === 'from_memory' ? own?.fromMemory : own?.fromStorage
        const synced = median(runs, 'ms')
        const answered = median(runs, 'answerMs')
        const note = synced === null ? (outcome.error ?? 'incomplete sync') : undefined
        report(`${id}.cold_sync.${n}.${source}`, synced, 'ms', note)
        report(`${id}.cold_sync.${n}.${source}_answer`, answered, 'ms', answered === null ? note : undefined)
        progress(
          `${id} cold sync of ${n} entries ${source.replace('_', ' ')}: synced in ${fmt(synced)} ms, answer received after ${fmt(answered)} ms${note ? ` (${note})` : ''}`,
        )
      }
    }
  } finally {
    for (const { started } of servers) await started.server.stop()
  }
}

/**
 * Idle memory: `connections` plain sockets over SIZES.idleBoards boards, each doing the initial sync.
 * A fresh server per count, so each count's growth is measured from the same baseline.
 */
async function idleFigures(kind, refineryData) {
  for (const connections of SIZES.idleConnections) {
    const prefix = `${kind}.idle.c${connections}`
    let started
    let rooms
    let warmUpRooms
    if (kind === 'refinery') {
      const server = await startRefinery(
        { DATA_DIR: refineryData.dataDir, ROOM_IDLE_MS: '1000', KEEP_DATA_DIR: '1' },
        { nodeArgs: [...serverNodeArgs('refinery'), ...MEMORY_PROBE_ARGS] },
      )
      started = {
        server,
        target: { kind, ws: server.ws, origin: server.origin, cookie: refineryData.cookie },
      }
      rooms = refineryData.boards
      warmUpRooms = refineryData.warmUpBoards
    } else {
      started = await startKind(kind, {}, MEMORY_PROBE_ARGS)
      rooms = Array.from({ length: SIZES.idleBoards }, (_, i) => `idle-${i}`)
      warmUpRooms = Array.from({ length: SIZES.idleWarmUp }, (_, i) => `warm-up-${i}`)
    }
    const { server } = started
    try {
      // A warm-up on boards of its own, closed again before the baseline: what the first connections
      // cost once (code compiled on first use, caches) is not a cost per connection.
      await runClients(
        {
          kind: 'idle',
          target: started.target,
          rooms: warmUpRooms,
          connections: SIZES.idleWarmUp,
          concurrency: 10,
        },
        { timeoutMs: 60_000, onMark: (_message, child) => child.send({ close: true }) },
      )
      const settle = performance.now() + 8000
      while (kind === 'refinery' && (await server.stats()).rooms > 0 && performance.now() < settle)
        await sleep(250)
      await sleep(1000)
      const baseline = { rss: server.rssBytes(), heap: (await server.collectGarbage())?.heapUsed ?? null }
      let open = null
      const outcome = await runClients(
        { kind: 'idle', target: started.target, rooms, connections, concurrency: 100 },
        {
          timeoutMs: 150_000,
          onMark: async (message, child) => {
            await sleep(1000)
            const rss = server.rssBytes()
            const heap = (await server.collectGarbage())?.heapUsed ?? null
            open = { rss, heap, stats: await server.stats(), ...message }
            child.send({ close: true })
          },
        },
      )
      if (!open || outcome.error) {
        report(`${prefix}.rss_per_connection`, null, 'KiB', outcome.error ?? 'no measurement')
        continue
      }
      const note =
        open.connected < connections
          ? `only ${open.connected} of ${connections} synced (${open.failed} failed: ${open.firstError})`
          : undefined
      const perConnection = (bytes) => bytes / Math.max(1, open.connected) / 1024
      const heapGrowth = open.heap === null || baseline.heap === null ? null : open.heap - baseline.heap
      // Let the server drop what it holds for the boards (Refinery: ROOM_IDLE_MS=1000), bounded.
      const deadline = performance.now() + 8000
      let after = await server.stats()
      while (after.rooms > 0 && performance.now() < deadline) {
        await sleep(250)
        after = await server.stats()
      }
      await sleep(1000)
      const heapAfter = (await server.collectGarbage())?.heapUsed ?? null
      after = await server.stats()
      const rssAfter = server.rssBytes()
      const heapKept = heapAfter === null || baseline.heap === null ? null : heapAfter - baseline.heap
      report(`${prefix}.rss_per_connection`, perConnection(open.rss - baseline.rss), 'KiB', note)
      report(
        `${prefix}.heap_per_connection`,
        heapGrowth === null ? null : perConnection(heapGrowth),
        'KiB',
        note,
      )
      report(`${prefix}.rss_baseline`, baseline.rss / 2 ** 20, 'MiB')
      report(`${prefix}.rss_open`, open.rss / 2 ** 20, 'MiB')
      report(`${prefix}.rss_after_close`, rssAfter / 2 ** 20, 'MiB')
      report(`${prefix}.heap_growth_open`, heapGrowth === null ? null : heapGrowth / 2 ** 20, 'MiB')
      report(`${prefix}.heap_kept_after_close`, heapKept === null ? null : heapKept / 2 ** 20, 'MiB')
      report(`${prefix}.connect_time`, open.connectMs, 'ms')
      report(`${prefix}.rooms_open`, open.stats.rooms, 'rooms')
      report(`${prefix}.rooms_after_close`, after.rooms, 'rooms')
      progress(
        `${kind} idle ${connections}: ${fmt(perConnection(open.rss - baseline.rss))} KiB RSS/connection (heap after GC ${fmt(heapGrowth === null ? null : perConnection(heapGrowth))} KiB), RSS ${mib(baseline.rss)} → ${mib(open.rss)} → ${mib(rssAfter)} MiB, heap growth ${mib(heapGrowth ?? Number.NaN)} MiB, kept after close ${mib(heapKept ?? Number.NaN)} MiB, rooms ${open.stats.rooms} → ${after.rooms}`,
      )
    } finally {
      await server.stop()
    }
  }
}

/** 1,000 boards owned by one user, in a data directory each idle round's server starts from. */
async function prepareRefineryBoards() {
  const server = await startRefinery({ KEEP_DATA_DIR: '1' })
  const cookie = await signUp(server)
  const boards = []
  for (let i = 0; i < SIZES.idleBoards; i += 50) {
    boards.push(...(await Promise.all(Array.from({ length: 50 }, () => createBoard(server, cookie)))))
  }
  const warmUpBoards = await Promise.all(
    Array.from({ length: SIZES.idleWarmUp }, () => createBoard(server, cookie, 'Warm-up board')),
  )
  await server.stop()
  return { dataDir: server.dataDir, cookie, boards, warmUpBoards }
}

// ---------------------------------------------------------------------------------------------------
// Refinery alone.

async function spreadFigures() {
  const schema = await freshSchema()
  const portA = await freePort()
  const publicUrl = `http://localhost:${portA}`
  const env = { DATABASE_URL: schema.databaseUrl, REDIS_URL, PUBLIC_URL: publicUrl }
  let a
  let b
  try {
    a = await startRefinery({ ...env, PORT: String(portA) }, { nodeArgs: serverNodeArgs('refinery') })
    b = await startRefinery(env, { nodeArgs: serverNodeArgs('refinery') })
    const cookie = await signUp(a)
    const targetA = { kind: 'refinery', ws: a.ws, origin: publicUrl, cookie }
    const targetB = { kind: 'refinery', ws: b.ws, origin: publicUrl, cookie }
    const readers = SIZES.spreadReaders
    const layouts = [
      ['one_instance', [targetA]],
      ['two_instances', [targetA, targetB]],
    ]
    for (const [layout, targets] of layouts) {
      for (const rate of [SIZES.pacedRate, 'burst']) {
        const room = await createBoard(a, cookie)
        const hopsBefore = (await b.stats()).relayLagBuckets
        const cpuBefore = a.cpuSeconds() + b.cpuSeconds()
        const outcome = await runClients(
          { kind: 'fanout', targets, room, readers, updates: SIZES.updates, rate, drainMs: 20_000 },
          { timeoutMs: 90_000 },
        )
        const cpu = a.cpuSeconds() + b.cpuSeconds() - cpuBefore
        const note = failure(outcome)
        const result = outcome.result ?? {}
        const name = `refinery.${layout}.${rate === 'burst' ? 'burst' : 'paced'}.n${readers}`
        if (rate === 'burst') {
          report(`${name}.all_delivered`, note ? null : result.allDeliveredMs, 'ms', note)
        } else {
          report(`${name}.p50`, note ? null : result.p50, 'ms', note)
          report(`${name}.p99`, note ? null : result.p99, 'ms', note)
          if (targets.length > 1 && !note) {
            // Whether the tail is the hop through Redis: the readers on A against those on B, and
            // B's own count of how long the hop took.
            const [onA, onB] = result.groups
            report(`${name}.readers_on_a.p99`, onA.p99, 'ms')
            report(`${name}.readers_on_b.p99`, onB.p99, 'ms')
            const hops = (await b.stats()).relayLagBuckets
            report(`${name}.relay_hop.p50_under`, hopPercentile(hopsBefore, hops, 50), 'ms')
            report(`${name}.relay_hop.p99_under`, hopPercentile(hopsBefore, hops, 99), 'ms')
          }
        }
        report(`${name}.server_cpu_seconds`, cpu, 's')
        progress(
          `${layout} ${rate === 'burst' ? 'burst' : 'paced'} n=${readers}: p50 ${fmt(result.p50)} p99 ${fmt(result.p99)} all ${fmt(result.allDeliveredMs)} ms${note ? ` (${note})` : ''}`,
        )
      }
    }
  } finally {
    await a?.stop()
    await b?.stop()
    await schema.drop()
  }
}

/**
 * The upper bound (ms) of the histogram bucket holding percentile `p` of what was counted between
 * two readings of a Prometheus histogram's cumulative buckets ([upper bound s, count]).
 */
function hopPercentile(before, after, p) {
  const counts = after.map(([le, count], i) => [le, count - (before[i]?.[1] ?? 0)])
  const total = counts.at(-1)?.[1] ?? 0
  if (total === 0) return null
  const bucket = counts.find(([, count]) => count >= (total * p) / 100)
  return bucket && Number.isFinite(bucket[0]) ? bucket[0] * 1000 : null
}

/** The median of five timings, after a first one that warmed up. */
const medianAfterWarmUp = (times) => times.slice(1).sort((x, y) => x - y)[2]

/** A Jira CSV export of `rows` issues: 10 epics, their stories across 4 fix versions, with labels. */
function jiraExport(rows) {
  const header =
    'Issue key,Issue id,Issue Type,Summary,Description,Priority,Custom field (Story Points),Labels,Labels,Fix Version/s,Parent'
  const epics = Array.from({ length: 10 }, (_, i) => `B-${i},${i},Epic,Epic ${i},"The epic, described",,,,,,`)
  const stories = Array.from(
    { length: rows - epics.length },
    (_, i) =>
      `B-${100 + i},${100 + i},Story,"Story ${i}, ""quoted""","As a shopper, I want thing ${i}, so that it works\n\n* first\n* second",High,3,ux,api,v${i % 4},${i % 10}`,
  )
  return [header, ...epics, ...stories].join('\r\n')
}

async function importFigures() {
  const server = await startRefinery({}, { nodeArgs: serverNodeArgs('refinery') })
  try {
    const cookie = await signUp(server)
    const csv = jiraExport(SIZES.importRows)
    const name = `refinery.import.jira_csv.${SIZES.importRows}_rows`
    const times = []
    for (let i = 0; i < 6; i++) {
      const started = performance.now()
      const response = await fetch(`${server.http}/api/boards/import?title=Bench`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'text/csv' },
        body: csv,
      })
      if (response.status !== 201) {
        report(name, null, 'ms', `the import answered ${response.status}: ${await response.text()}`)
        return
      }
      times.push(performance.now() - started)
    }
    report(name, medianAfterWarmUp(times), 'ms')
    progress(`Jira CSV import of ${SIZES.importRows} rows: median ${fmt(medianAfterWarmUp(times))} ms`)
  } finally {
    await server.stop()
  }
}

async function backlogFigures() {
  const server = await startRefinery({}, { nodeArgs: serverNodeArgs('refinery') })
  try {
    const cookie = await signUp(server)
    const boardId = await createBoard(server, cookie)
    const target = { kind: 'refinery', ws: server.ws, origin: server.origin, cookie }
    const filled = await runClients(
      { kind: 'fillBoard', target, room: boardId, cards: SIZES.backlogCards, steps: 8, slices: 3 },
      { timeoutMs: 120_000 },
    )
    if (failure(filled)) {
      report(`refinery.backlog.${SIZES.backlogCards}_cards`, null, 'ms', failure(filled))
      return
    }
    const get = async () => {
      const started = performance.now()
      const response = await fetch(`${server.http}/api/boards/${boardId}/backlog`, { headers: { cookie } })
      const body = await response.json()
      return { ms: performance.now() - started, body }
    }
    // The server keeps a board's backlog until the board changes, so two figures: the first request
    // after an edit (the backlog computed) and a repeated request on an unchanged board.
    const { body } = await get()
    const items = body.items?.length ?? 0
    const cardId = body.items?.[0]?.id
    const afterEdit = []
    const unchanged = []
    for (let i = 0; i < 6; i++) {
      await fetch(`${server.http}/api/boards/${boardId}/votes/${encodeURIComponent(cardId)}`, {
        method: 'PUT',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ dots: i % 2 }),
      })
      afterEdit.push((await get()).ms)
      unchanged.push((await get()).ms)
    }
    const median = medianAfterWarmUp
    const note = items === SIZES.backlogCards ? undefined : `the backlog had ${items} items`
    report(`refinery.backlog.${SIZES.backlogCards}_cards`, median(afterEdit), 'ms', note)
    report(`refinery.backlog.${SIZES.backlogCards}_cards.unchanged`, median(unchanged), 'ms', note)
    progress(
      `backlog of ${SIZES.backlogCards} cards: median ${fmt(median(afterEdit))} ms after an edit, ${fmt(median(unchanged))} ms unchanged (${items} items)`,
    )
  } finally {
    await server.stop()
  }
}

/**
 * Persistence throughput: updates durably stored per second. Writers on several boards send as fast
 * as they can; Refinery relays an update only once it is committed, so when every reader has them
 * all, storage has them all. Then the server is killed with SIGKILL and restarted on the same storage,
 * and a new client counts what survived: the figure stands only if everything did.
 */
async function persistenceFigures(engine) {
  const schema = engine === 'postgres' ? await freshSchema() : null
  const env = schema ? { DATABASE_URL: schema.databaseUrl } : { KEEP_DATA_DIR: '1' }
  let server = await startRefinery(env, { nodeArgs: serverNodeArgs('refinery') })
  try {
    const cookie = await signUp(server)
    const rooms = []
    for (let i = 0; i < SIZES.persistenceBoards; i++) rooms.push(await createBoard(server, cookie))
    const target = { kind: 'refinery', ws: server.ws, origin: server.origin, cookie }
    const statsBefore = await server.stats()
    const outcome = await runClients(
      { kind: 'persistence', target, rooms, updates: SIZES.persistenceUpdates, drainMs: 60_000 },
      { timeoutMs: 120_000 },
    )
    const statsAfter = await server.stats()
    const result = outcome.result
    let note = failure(outcome)
    await server.stop('SIGKILL')
    const restartEnv = schema ? env : { DATA_DIR: server.dataDir }
    server = await startRefinery(restartEnv, { nodeArgs: serverNodeArgs('refinery') })
    const counted = await runClients(
      { kind: 'count', target: { ...target, ws: server.ws, origin: server.origin }, rooms, map: 'bench' },
      { timeoutMs: 60_000 },
    )
    const survived = counted.result?.sizes.reduce((sum, size) => sum + size, 0) ?? 0
    const expected = SIZES.persistenceBoards * SIZES.persistenceUpdates
    if (!note && survived !== expected) note = `only ${survived} of ${expected} updates survived kill -9`
    const rate = result && !note ? expected / (result.ms / 1000) : null
    const batches = statsAfter.storedBatches - statsBefore.storedBatches
    report(`refinery.persistence.${engine}.rate`, rate, 'updates/s', note)
    report(`refinery.persistence.${engine}.batches`, batches, 'transactions')
    progress(
      `persistence on ${engine}: ${fmt(rate)} updates/s, ${batches} transactions, ${survived}/${expected} survived kill -9`,
    )
  } finally {
    await server.stop()
    if (!schema) rmSync(server.dataDir, { recursive: true, force: true })
    await schema?.drop()
  }
}

// ---------------------------------------------------------------------------------------------------

function fmt(value) {
  return value === null || value === undefined ? '-' : value.toFixed(1)
}
function mib(bytes) {
  return (bytes / 2 ** 20).toFixed(0)
}

/** Refinery's figure over the best peer's (y-websocket or Hocuspocus): below 1 is better, or above for rates. */
function ratios() {
  const peers = ['ywebsocket', 'hocuspocus']
  const names = [...figures.keys()].filter((name) => name.startsWith('refinery.'))
  for (const name of names) {
    const figure = figures.get(name)
    const rest = name.slice('refinery.'.length)
    const higherIsBetter = rest.startsWith('sustained.')
    const compared =
      !/rss_baseline|rss_open|rss_after|rooms_|heap_kept|heap_growth|connect_time|cpu_seconds/.test(rest)
    const peerValues = peers
      .map((peer) => figures.get(`${peer}.${rest}`)?.value)
      .filter((value) => typeof value === 'number')
    if (!compared || peerValues.length === 0 || figure.value === null) continue
    const best = higherIsBetter ? Math.max(...peerValues) : Math.min(...peerValues)
    if (best === 0) continue
    report(`ratio.${rest}`, figure.value / best, 'x')
  }
}

/** Runs one part of the bench; a failure is reported as a figure with a note and the run goes on. */
async function section(name, run, label = name) {
  if (skip.has(name)) return
  try {
    await run()
  } catch (error) {
    progress(`${label} failed: ${error.stack ?? error}`)
    report(`${label}.error`, null, '', String(error.message ?? error).slice(0, 200))
  }
}

progress(
  `machine: ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; servers: ${kinds.map((k) => k.id).join(', ')}`,
)

/**
 * Waits (at most `limitMs`) until the machine is quiet: under 10 % of its cores busy over half a second.
 * The first server measured would otherwise share the machine with what ran just before the bench,
 * such as the build `pnpm bench` starts with.
 */
async function quietMachine(limitMs = 20_000) {
  const deadline = performance.now() + limitMs
  let before = cpuAccount().machine
  while (performance.now() < deadline) {
    await sleep(500)
    const now = cpuAccount().machine
    const busy = (now - before) / 0.5 / availableParallelism()
    before = now
    if (busy < 0.1) return
  }
  progress('the machine did not become quiet; measuring anyway')
}
await quietMachine()

// Fan-out: every server is started once and stays up, idle, while the others are measured; each
// figure is taken for every server in turn, so a change in the machine's load between figures (or the
// bench's own start) falls on all of them alike rather than on whichever server comes first.
if (!skip.has('fanout')) {
  const fanoutServers = []
  for (const { id } of kinds) {
    await section(
      'fanout',
      async () => fanoutServers.push({ id, started: await startKind(id) }),
      `${id}.fanout`,
    )
  }
  const rounds = [
    ...(skip.has('paced') ? [] : SIZES.readers.map((readers) => [pacedFigure, readers])),
    ...(skip.has('burst') ? [] : SIZES.readers.map((readers) => [burstFigure, readers])),
    ...(skip.has('sustained') ? [] : SIZES.sustainedReaders.map((readers) => [sustainedFigure, readers])),
  ]
  try {
    for (const [figure, readers] of rounds) {
      for (const { id, started } of fanoutServers) {
        await section('fanout', () => figure(id, started, readers), `${id}.fanout`)
      }
    }
  } finally {
    for (const { started } of fanoutServers) await started.server.stop()
  }
}
const yjsKinds = kinds.filter((kind) => kind.yjs).map((kind) => kind.id)
if (yjsKinds.length > 0) await section('cold_sync', () => coldSyncFigures(yjsKinds), 'cold_sync')
if (!skip.has('idle')) {
  let refineryData = null
  for (const { id } of kinds) {
    await section(
      'idle',
      async () => {
        if (id === 'refinery') refineryData = await prepareRefineryBoards()
        await idleFigures(id, refineryData)
      },
      `${id}.idle`,
    )
  }
  if (refineryData) rmSync(refineryData.dataDir, { recursive: true, force: true })
}
if (kinds.some((kind) => kind.id === 'refinery')) {
  await section('spread', spreadFigures, 'refinery.spread')
  await section('backlog', backlogFigures, 'refinery.backlog')
  await section('import', importFigures, 'refinery.import')
  await section('persistence', () => persistenceFigures('sqlite'), 'refinery.persistence.sqlite')
  await section('persistence', () => persistenceFigures('postgres'), 'refinery.persistence.postgres')
}
ratios()
const totalSeconds = (performance.now() - runStarted) / 1000
progress(`done in ${totalSeconds.toFixed(0)} s`)
const load = { loadAtStart, ...otherProcessesLoad(cpuAtStart, totalSeconds) }
progress(
  `other processes on the machine used ${load.otherCpuSeconds.toFixed(0)} CPU seconds during the run (${(load.share * 100).toFixed(0)} % of its capacity)`,
)
const path = writeResults({
  figures,
  sizes: SIZES,
  kinds,
  totalSeconds,
  load,
  partial: Boolean(only || skip.size),
})
progress(`wrote ${path}`)
if (profile)
  writeFileSync(`${PROFILE_DIR}/README`, 'CPU profiles of the Refinery processes of the last run\n')
// Idle keep-alive sockets of fetch would hold the process a few seconds more: everything is written.
process.exit(0)
