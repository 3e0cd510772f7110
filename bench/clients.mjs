// The bench clients, in a process of their own so their work is never counted as the server's. The
// parent (run.mjs) forks this file, sends one scenario over IPC and gets back marks ({ mark }) while it
// runs and one result ({ result }) at the end.
//
// Every Yjs server is driven through the same code: full Y.Docs, the same update shapes, the same
// observation of what arrives. Only the provider differs: the stock y-websocket WebsocketProvider for
// Refinery (with the Origin and session cookie it requires) and the y-websocket server, and
// @hocuspocus/provider for Hocuspocus, whose protocol prefixes every message with the document name.
// The raw relay's clients are plain ws sockets sending the same number of bytes a Yjs update takes.
import { fileURLToPath } from 'node:url'
import { HocuspocusProvider } from '@hocuspocus/provider'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

// Every provider adds a process 'exit' listener; hundreds of clients are expected here.
process.setMaxListeners(0)

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const log = (message) => process.stderr.write(`  [clients] ${message}\n`)
const mark = (name, extra = {}) => process.send?.({ mark: name, ...extra })

/** Resolves with the promise's value, or with `fallback` once `ms` have passed. */
export function within(promise, ms, fallback) {
  let timer
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve(fallback), ms)
    }),
  ])
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

/**
 * The `ws` WebSocket the providers use: with the headers Refinery's upgrade needs (a browser sends
 * both by itself), and noting when the server's sync step 2 (its answer to our state vector) has
 * arrived, before the provider applies it. `documentName`: Hocuspocus prefixes every frame with it.
 */
function socketClass({ headers, documentName = false, onAnswer }) {
  return class extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols, headers ? { headers } : {})
      if (!onAnswer) return
      // Registered before the provider's own handler, so it runs first.
      const listener = (message) => {
        const data = message instanceof ArrayBuffer ? new Uint8Array(message) : message
        const at = { offset: 0 }
        if (documentName) skipVarString(data, at)
        if (readVarUint(data, at) === 0 && readVarUint(data, at) === 1) {
          onAnswer(performance.now())
          this.off('message', listener)
        }
      }
      this.on('message', listener)
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Yjs clients: a full Y.Doc behind the server's provider.

/** A client holding a full Y.Doc of `room` on `target`; `synced` resolves after the first sync. */
export function yjsClient(target, room, { onAnswer } = {}) {
  const doc = new Y.Doc()
  let provider
  let synced
  if (target.kind === 'hocuspocus') {
    const WebSocketPolyfill = socketClass({ documentName: true, onAnswer })
    provider = new HocuspocusProvider({ url: target.ws, name: room, document: doc, WebSocketPolyfill })
    synced = new Promise((resolve) => {
      if (provider.isSynced) resolve()
      else provider.on('synced', () => resolve())
    })
  } else {
    const base = target.kind === 'refinery' ? `${target.ws}/sync` : target.ws
    const headers = target.kind === 'refinery' ? { origin: target.origin, cookie: target.cookie } : undefined
    const WebSocketPolyfill = socketClass({ headers, onAnswer })
    provider = new WebsocketProvider(base, room, doc, { WebSocketPolyfill, disableBc: true })
    synced = new Promise((resolve) => {
      if (provider.synced) resolve()
      else provider.once('sync', (isSynced) => isSynced && resolve())
    })
  }
  return {
    doc,
    synced,
    destroy() {
      provider.destroy()
      doc.destroy()
    },
  }
}

/**
 * The props people type into, per shape type: `Y.Text` in the document (CONTRACT section 5), as
 * `TEXT_FIELDS` and `TEXT_LIST_FIELDS` of shared/src/records.ts say; acceptance criteria a `Y.Array`
 * of `Y.Text`.
 */
const TEXT_KEYS = new Set(['title', 'asA', 'iWant', 'soThat', 'description', 'name'])

function propValue(key, value) {
  if (TEXT_KEYS.has(key) && typeof value === 'string') return new Y.Text(value)
  if (key === 'acceptance' && Array.isArray(value)) {
    const list = new Y.Array()
    list.push(value.map((entry) => new Y.Text(entry)))
    return list
  }
  return value
}

/** One story-map shape record as the client writes it: a Y.Map with `props` and `meta` nested. */
function shapeRecord(id, type, x, y, props) {
  const record = new Y.Map()
  record.set('id', id)
  record.set('typeName', 'shape')
  record.set('type', type)
  record.set('x', x)
  record.set('y', y)
  record.set('rotation', 0)
  record.set('index', 'a1')
  record.set('parentId', 'page:page')
  record.set('isLocked', false)
  record.set('opacity', 1)
  record.set('meta', new Y.Map())
  const propsMap = new Y.Map()
  for (const [key, value] of Object.entries(props)) propsMap.set(key, propValue(key, value))
  record.set('props', propsMap)
  return record
}

const MOSCOW = ['must', 'should', 'could', 'wont', null]
const COLUMNS = 8

function storyCard(j) {
  return shapeRecord(
    `shape:card${j}`,
    'story-card',
    (j % COLUMNS) * 260,
    150 + Math.floor(j / COLUMNS) * 170,
    {
      w: 240,
      h: 150,
      title: `Story ${j}`,
      asA: 'workshop participant',
      iWant: `to move card ${j} where it belongs`,
      soThat: 'the backlog reads in the right order',
      acceptance: [],
      estimate: null,
      moscow: MOSCOW[j % MOSCOW.length],
      labels: [],
    },
  )
}

/** Fills `records` with `cards` story cards (and journey steps and release slices), 500 per update. */
async function fillRecords(doc, { cards, steps = 0, slices = 0 }) {
  const records = doc.getMap('records')
  doc.transact(() => {
    for (let k = 0; k < steps; k++) {
      const id = `shape:step${k}`
      records.set(
        id,
        shapeRecord(id, 'journey-step', k * 260, 0, { w: 240, h: 100, title: `Step ${k}`, description: '' }),
      )
    }
    for (let k = 0; k < slices; k++) {
      const id = `shape:slice${k}`
      records.set(
        id,
        shapeRecord(id, 'release-slice', -20, 140 + k * 400, { w: 3000, h: 400, name: `Release ${k + 1}` }),
      )
    }
  })
  for (let i = 0; i < cards; i += 500) {
    doc.transact(() => {
      for (let j = i; j < Math.min(cards, i + 500); j++) records.set(`shape:card${j}`, storyCard(j))
    })
    await sleep(2)
  }
  return records.size
}

/**
 * Fills `records` with `entries` small shape records, 500 per update: the entries of the cold-sync
 * board, as the first version of this bench wrote them (id, typeName, x, y, props with w, h, title).
 */
async function fillEntries(doc, entries) {
  const records = doc.getMap('records')
  for (let i = 0; i < entries; i += 500) {
    doc.transact(() => {
      for (let j = i; j < Math.min(entries, i + 500); j++) {
        const record = new Y.Map()
        record.set('id', `shape:${j}`)
        record.set('typeName', 'shape')
        record.set('x', j * 10)
        record.set('y', (j % 50) * 10)
        const props = new Y.Map()
        props.set('w', 240)
        props.set('h', 150)
        props.set('title', `Card ${j}`)
        record.set('props', props)
        records.set(`shape:${j}`, record)
      }
    })
    await sleep(2)
  }
  return records.size
}

// ---------------------------------------------------------------------------------------------------
// Fan-out sessions: one writer, N readers, the same calls for every server.

/** Bytes of one relay message: what a Yjs frame of one small map update takes. */
const RELAY_MESSAGE_BYTES = 32

function rawSocket(target, room) {
  const socket = new WebSocket(`${target.ws}/room/${room}`)
  socket.binaryType = 'nodebuffer'
  const open = new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  socket.on('error', () => undefined)
  return { socket, open }
}

/**
 * Connects a writer and `readers` readers. `send(step, i)` writes update i of step `step`;
 * `onReceive(step, i, reader)` is called once per reader per update; reader r is on `targets[r % targets.length]`.
 */
async function openFanout(scenario, onReceive) {
  const { targets, room, readers } = scenario
  const target = (index) => targets[index % targets.length]
  if (targets[0].kind === 'relay') {
    const writer = rawSocket(targets[0], room)
    const clients = Array.from({ length: readers }, (_, r) => rawSocket(target(r), room))
    clients.forEach(({ socket }, r) => {
      socket.on('message', (data) => onReceive(data.readUInt16LE(0), data.readUInt32LE(2), r))
    })
    await Promise.all([writer.open, ...clients.map((c) => c.open)])
    return {
      send(step, i) {
        const payload = Buffer.alloc(RELAY_MESSAGE_BYTES)
        payload.writeUInt16LE(step, 0)
        payload.writeUInt32LE(i, 2)
        payload.writeDoubleLE(performance.now(), 6)
        writer.socket.send(payload)
      },
      close() {
        for (const { socket } of [writer, ...clients]) socket.terminate()
      },
    }
  }
  const writer = yjsClient(targets[0], room)
  const clients = Array.from({ length: readers }, (_, r) => yjsClient(target(r), room))
  clients.forEach((client, r) => {
    client.doc.getMap('bench').observe((event) => {
      for (const key of event.keysChanged) {
        const separator = key.indexOf('_')
        onReceive(Number(key.slice(1, separator)), Number(key.slice(separator + 1)), r)
      }
    })
  })
  // BENCH_DEBUG: how many transactions (frames applied) the first reader saw, to compare merging.
  let transactions = 0
  if (process.env.BENCH_DEBUG) clients[0]?.doc.on('afterTransaction', () => transactions++)
  const synced = Promise.all([writer.synced, ...clients.map((c) => c.synced)]).then(() => true)
  if (!(await within(synced, 30_000, false))) throw new Error('not every client synced within 30 s')
  const map = writer.doc.getMap('bench')
  return {
    send(step, i) {
      map.set(`s${step}_${i}`, i)
    },
    transactions: () => transactions,
    close() {
      for (const client of [writer, ...clients]) client.destroy()
    },
  }
}

/**
 * Bookkeeping of one step: send times, latencies, and when every reader has had every update; with
 * `groups` above one, the latencies of each group of readers apart too (reader r in group r % groups:
 * the instance it is on).
 */
function stepTracker(updates, readers, groups = 1) {
  const sentAt = new Float64Array(updates)
  const latencies = new Float64Array(updates * readers)
  const byGroup = groups > 1 ? Array.from({ length: groups }, () => []) : null
  const worst = new Float64Array(updates)
  const best = new Float64Array(updates).fill(1e9)
  let received = 0
  let lastAt = 0
  let resolveAll
  const all = new Promise((resolve) => {
    resolveAll = resolve
  })
  return {
    sentAt,
    all,
    worst,
    best,
    receive(i, now, reader = 0) {
      if (i >= updates || received >= latencies.length) return
      latencies[received++] = now - sentAt[i]
      byGroup?.[reader % groups].push(now - sentAt[i])
      if (now - sentAt[i] > worst[i]) worst[i] = now - sentAt[i]
      if (now - sentAt[i] < best[i]) best[i] = now - sentAt[i]
      lastAt = now
      if (received === latencies.length) resolveAll()
    },
    summary(startedAt) {
      const sorted = latencies.slice(0, received).sort()
      return {
        ok: received === latencies.length,
        delivered: received / latencies.length,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: received > 0 ? sorted[received - 1] : null,
        allDeliveredMs: received > 0 ? lastAt - startedAt : null,
        groups: byGroup?.map((values) => {
          const group = Float64Array.from(values).sort()
          return { p50: percentile(group, 50), p99: percentile(group, 99) }
        }),
      }
    },
  }
}

/** Sends `count` updates at `rate` per second (or all in one synchronous loop for 'burst'). */
async function sendPaced(session, step, tracker, count, rate) {
  if (rate === 'burst') {
    for (let i = 0; i < count; i++) {
      tracker.sentAt[i] = performance.now()
      session.send(step, i)
    }
    return
  }
  const started = performance.now()
  const interval = 1000 / rate
  let i = 0
  // Each timer turn sends every update that is due; bounded by count.
  while (i < count) {
    const now = performance.now()
    while (i < count && started + i * interval <= now) {
      tracker.sentAt[i] = performance.now()
      session.send(step, i)
      i++
    }
    if (i < count) await sleep(Math.max(0, started + i * interval - performance.now()))
  }
}

async function settle(readers) {
  await sleep(300 + readers * 3)
}

/**
 * Warms up the server and the clients (JIT, buffers) on the same sockets, as step `step`, which nothing
 * measures: a short burst, then, for the paced figure, `paced` updates at the measured `rate`, so that
 * the one-update-per-turn path has run before anything is timed (after the burst alone, a pause of 20
 * to 50 ms fell inside the measured updates at about the same update in every run: near update 205 for
 * Refinery, 105 for y-websocket). At the measured rate, as a faster warm-up left N = 200 readers a
 * backlog to work off at the start of the run. Then lets everything settle.
 */
async function warmUp(session, step, readers, received, paced = 0, rate = 0) {
  const burst = 100
  for (let i = 0; i < burst; i++) session.send(step, i)
  for (let i = burst; i < burst + paced; i++) {
    session.send(step, i)
    await sleep(1000 / rate)
  }
  const updates = burst + paced
  const deadline = performance.now() + 10_000
  while (received() < updates * readers && performance.now() < deadline) await sleep(20)
  await settle(readers)
}

/**
 * Paced or burst fan-out: one writer, `updates` updates, every reader must get them all; `rounds`
 * times on the same sockets (a burst takes a fraction of a second, so one is at the mercy of a single
 * pause of the machine: every figure is the median round's).
 */
async function fanout(scenario) {
  const { readers, updates, rate, drainMs, rounds = 1 } = scenario
  let tracker = null
  let currentStep = -1
  let warmed = 0
  const session = await openFanout(scenario, (step, i, reader) => {
    if (step === currentStep) tracker.receive(i, performance.now(), reader)
    else if (step === 0) warmed++
  })
  await settle(readers)
  await warmUp(session, 0, readers, () => warmed, rate === 'burst' ? 0 : 150, rate)
  mark('start')
  const cpuBefore = process.cpuUsage()
  const results = []
  for (let round = 1; round <= rounds; round++) {
    if (round > 1) await settle(readers)
    tracker = stepTracker(updates, readers, scenario.targets.length)
    currentStep = round
    const transactionsBefore = session.transactions?.() ?? 0
    const started = performance.now()
    await sendPaced(session, currentStep, tracker, updates, rate)
    const sendMs = performance.now() - started
    await within(tracker.all, drainMs, null)
    results.push({ ...tracker.summary(started), sendMs })
    if (process.env.BENCH_DEBUG) debugRound(tracker, started, sendMs, session, transactionsBefore)
  }
  mark('end')
  const cpu = process.cpuUsage(cpuBefore)
  session.close()
  const median = (read) => {
    const values = results.map(read).sort((a, b) => a - b)
    return values[Math.floor((values.length - 1) / 2)] ?? null
  }
  return {
    ok: results.every((result) => result.ok),
    p50: median((result) => result.p50),
    p99: median((result) => result.p99),
    allDeliveredMs: results.some((result) => result.allDeliveredMs === null)
      ? null
      : median((result) => result.allDeliveredMs),
    rounds: results.map((result) => result.allDeliveredMs),
    // Per instance, for the spread over instances: the median round's figures of each group.
    groups: results[0]?.groups?.map((_, g) => ({
      p50: median((result) => result.groups[g].p50),
      p99: median((result) => result.groups[g].p99),
    })),
    clientCpuMs: (cpu.user + cpu.system) / 1000 / rounds,
  }
}

/** BENCH_DEBUG: where one round's time went. */
function debugRound(tracker, started, sendMs, session, transactionsBefore) {
  const arrivals = [...tracker.worst].map((ms, i) => tracker.sentAt[i] + ms - started)
  log(
    `send loop ${sendMs.toFixed(1)} ms; last-reader arrival of update 0: ${arrivals[0].toFixed(1)}, min arrival ${Math.min(...arrivals).toFixed(1)}, last update: ${arrivals.at(-1).toFixed(1)}`,
  )
  const slow = [...tracker.worst]
    .map((ms, i) => [i, Math.round(ms), Math.round(performance.timeOrigin + tracker.sentAt[i]) % 100000])
    .filter(([, ms]) => ms > 20)
  // Per update: when its first reader had it (the server's part) and how long the last one took
  // after that (the clients' part, all in this process).
  const spread = tracker.worst.map((worst, i) => worst - tracker.best[i])
  const at = (values, p) => percentile(Float64Array.from(values).sort(), p).toFixed(2)
  log(
    `first reader p50 ${at(tracker.best, 50)} p90 ${at(tracker.best, 90)} p99 ${at(tracker.best, 99)} ms; last reader after the first p50 ${at(spread, 50)} p99 ${at(spread, 99)} ms`,
  )
  log(`first reader applied ${(session.transactions?.() ?? 0) - transactionsBefore} transactions`)
  log(`updates over 20 ms [index, worst ms, sent at ms]: ${JSON.stringify(slow.slice(0, 60))}`)
}

/** The writer's rate stepped up until p99 passes the limit or anything is lost; the last rate that held. */
async function sustained(scenario) {
  const { readers, rates, stepMs, maxP99Ms, drainMs, deadlineMs } = scenario
  const deadline = performance.now() + deadlineMs
  let tracker = null
  let currentStep = -1
  let warmed = 0
  const session = await openFanout(scenario, (step, i, reader) => {
    if (step === currentStep) tracker.receive(i, performance.now(), reader)
    else if (step === 0) warmed++
  })
  await settle(readers)
  await warmUp(session, 0, readers, () => warmed)
  const steps = []
  let held = null
  // A step that does not hold is tried once more after a pause, so that one spike of another
  // process on the machine does not end the climb; the rate holds if either attempt held.
  let step = 0
  for (let s = 0; s < rates.length && performance.now() < deadline; s++) {
    const rate = rates[s]
    const count = Math.round((rate * stepMs) / 1000)
    let holds = false
    for (let attempt = 1; attempt <= 2 && !holds && performance.now() < deadline; attempt++) {
      tracker = stepTracker(count, readers)
      currentStep = ++step
      const started = performance.now()
      await sendPaced(session, currentStep, tracker, count, rate)
      await within(tracker.all, drainMs, null)
      const summary = tracker.summary(started)
      holds = summary.ok && summary.p99 <= maxP99Ms
      steps.push({ rate, attempt, holds, p50: summary.p50, p99: summary.p99, delivered: summary.delivered })
      log(
        `${rate}/s${attempt > 1 ? ' (again)' : ''}: p99 ${summary.p99?.toFixed(1)} ms, delivered ${(summary.delivered * 100).toFixed(1)}% ${holds ? 'held' : 'did not hold'}`,
      )
      // Whatever is still in flight must not count against the next attempt.
      await sleep(holds ? 200 : 1000)
    }
    if (!holds) break
    held = rate
  }
  session.close()
  const topReached = held === rates.at(-1)
  return { held, steps, topReached }
}

// ---------------------------------------------------------------------------------------------------
// Idle connections: plain ws sockets doing the protocol's initial sync and nothing else.

function writeVarUint(bytes, value) {
  let rest = value
  while (rest > 0x7f) {
    bytes.push(0x80 | (rest & 0x7f))
    rest >>>= 7
  }
  bytes.push(rest)
}

function writeVarString(bytes, text) {
  const encoded = Buffer.from(text, 'utf8')
  writeVarUint(bytes, encoded.length)
  bytes.push(...encoded)
}

function readVarUint(data, at) {
  let value = 0
  let shift = 0
  let position = at.offset
  for (;;) {
    const byte = data[position++]
    value += (byte & 0x7f) * 2 ** shift
    shift += 7
    if (byte < 0x80) break
  }
  at.offset = position
  return value
}

function skipVarString(data, at) {
  const length = readVarUint(data, at)
  at.offset += length
}

/** One idle socket; resolves once the server's sync step 2 (or, for the relay, the open) arrived. */
function idleSocket(target, room) {
  const hocuspocus = target.kind === 'hocuspocus'
  const frame = (...parts) => {
    const bytes = []
    if (hocuspocus) writeVarString(bytes, room)
    for (const part of parts) {
      if (typeof part === 'string') writeVarString(bytes, part)
      else bytes.push(...part)
    }
    return Buffer.from(bytes)
  }
  const url = {
    refinery: `${target.ws}/sync/${room}`,
    ywebsocket: `${target.ws}/${room}`,
    hocuspocus: target.ws,
    relay: `${target.ws}/room/${room}`,
  }[target.kind]
  const options =
    target.kind === 'refinery' ? { headers: { origin: target.origin, cookie: target.cookie } } : {}
  const socket = new WebSocket(url, options)
  const ready = new Promise((resolve, reject) => {
    socket.once('error', reject)
    socket.once('close', () => reject(new Error('closed before it synced')))
    socket.once('open', () => {
      if (target.kind === 'relay') return resolve(socket)
      // Hocuspocus authenticates each document first (any token: no auth hook is configured).
      if (hocuspocus) socket.send(frame([2, 0], ''))
      socket.send(frame([0, 0, 1, 0])) // sync step 1 with an empty state vector
    })
    socket.on('message', (data) => {
      const at = { offset: 0 }
      if (hocuspocus) skipVarString(data, at) // the document name
      const type = readVarUint(data, at)
      if (type !== 0) return
      const step = readVarUint(data, at)
      if (step === 0)
        socket.send(frame([0, 1, 2, 0, 0])) // answer the server's step 1: nothing new here
      else if (step === 1) resolve(socket)
    })
  })
  ready.catch(() => undefined)
  return ready
}

async function idle(scenario) {
  const { target, rooms, connections, concurrency } = scenario
  const sockets = []
  let failed = 0
  let firstError = null
  const started = performance.now()
  let next = 0
  const worker = async () => {
    while (next < connections) {
      const index = next++
      try {
        const socket = await within(idleSocket(target, rooms[index % rooms.length]), 20_000, null)
        if (!socket) throw new Error('no sync within 20 s')
        sockets.push(socket)
      } catch (error) {
        failed++
        firstError ??= error.message
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const connectMs = performance.now() - started
  log(`${sockets.length} idle sockets synced in ${(connectMs / 1000).toFixed(1)} s (${failed} failed)`)
  // The parent measures the server now, then tells us to close.
  const closeNow = new Promise((resolve) => process.once('message', resolve))
  mark('connected', { connected: sockets.length, failed, firstError, connectMs })
  await within(closeNow, 120_000, null)
  const closed = Promise.all(
    sockets.map((socket) =>
      socket.readyState === socket.CLOSED ? null : new Promise((resolve) => socket.once('close', resolve)),
    ),
  )
  for (const socket of sockets) socket.close()
  await within(closed, 10_000, null)
  return { connected: sockets.length, failed, firstError, connectMs }
}

// ---------------------------------------------------------------------------------------------------
// Boards with content.

/**
 * A new client's sync of a filled board. A holder fills the board and stays (peers forget a document
 * once its last client leaves); `runs` new clients then sync it from memory, one after another, after
 * one warm-up. With `fromStorage` the holder then leaves and each further client waits for the server
 * to unload the board first, so its sync loads it from storage.
 */
/**
 * Cold sync against every server of `boards` in one process: each gets a board of `entries` entries
 * from a holder that keeps it open, then new clients sync it, one server after the other in turn, so a
 * drift in the machine's load falls on all of them alike. Boards with a `statsUrl` (Refinery) are then
 * synced again from storage, each client after the board has left memory.
 */
async function coldSync(scenario) {
  const { boards, entries, runs } = scenario
  const holders = []
  for (const board of boards) {
    const holder = yjsClient(board.target, board.room)
    holders.push(holder)
    if (
      !(await within(
        holder.synced.then(() => true),
        20_000,
        false,
      ))
    )
      throw new Error(`${board.id}: holder did not sync`)
    await fillEntries(holder.doc, entries)
  }
  const once = async ({ target, room }) => {
    let answeredAt = null
    const started = performance.now()
    const client = yjsClient(target, room, {
      onAnswer: (at) => {
        answeredAt = at
      },
    })
    const ok = await within(
      client.synced.then(() => true),
      30_000,
      false,
    )
    const ms = performance.now() - started
    const size = client.doc.getMap('records').size
    client.destroy()
    return {
      ok: ok && size === entries,
      ms,
      answerMs: answeredAt === null ? null : answeredAt - started,
      size,
    }
  }
  // Until a fresh client sees every entry, the server has not had them all (bounded). This is also
  // each server's warm-up.
  for (const board of boards) {
    for (let attempt = 0; attempt < 50; attempt++) {
      if ((await once(board)).ok) break
      await sleep(100)
    }
  }
  const result = { entries, byBoard: {} }
  for (const board of boards) result.byBoard[board.id] = { fromMemory: [] }
  for (let r = 0; r < runs; r++) {
    for (const board of boards) result.byBoard[board.id].fromMemory.push(await once(board))
  }
  // The floor no server can go under: this process applying the whole board to an empty Y.Doc.
  const state = Y.encodeStateAsUpdate(holders[0].doc)
  const applies = []
  for (let r = 0; r < runs; r++) {
    const fresh = new Y.Doc()
    const started = performance.now()
    Y.applyUpdate(fresh, state)
    applies.push(performance.now() - started)
    fresh.destroy()
  }
  result.clientApplyMs = applies.sort((a, b) => a - b)[Math.floor(runs / 2)]
  for (const holder of holders) holder.destroy()
  for (const board of boards) {
    if (!board.statsUrl) continue
    const fromStorage = []
    for (let r = 0; r < runs; r++) {
      if (!(await waitForNoRooms(board.statsUrl, 15_000))) throw new Error('the board did not leave memory')
      fromStorage.push(await once(board))
    }
    result.byBoard[board.id].fromStorage = fromStorage
  }
  return result
}

async function openRooms(statsUrl) {
  const text = await (await fetch(statsUrl)).text()
  return Number(/^refinery_open_rooms (\S+)$/m.exec(text)?.[1])
}

async function waitForNoRooms(statsUrl, ms) {
  const deadline = performance.now() + ms
  while (performance.now() < deadline) {
    if ((await openRooms(statsUrl)) === 0) return true
    await sleep(50)
  }
  return false
}

/** Fills a board with story cards, journey steps and release slices; waits until a new client sees them. */
async function fillBoard(scenario) {
  const { target, room, cards, steps, slices } = scenario
  const writer = yjsClient(target, room)
  if (
    !(await within(
      writer.synced.then(() => true),
      20_000,
      false,
    ))
  )
    throw new Error('writer did not sync')
  const expected = await fillRecords(writer.doc, { cards, steps, slices })
  let seen = 0
  for (let attempt = 0; attempt < 50 && seen !== expected; attempt++) {
    const check = yjsClient(target, room)
    await within(check.synced, 30_000, null)
    seen = check.doc.getMap('records').size
    check.destroy()
    if (seen !== expected) await sleep(100)
  }
  writer.destroy()
  return { ok: seen === expected, records: seen }
}

/**
 * Persistence throughput: `writers` writers, each on a board of its own, send `updates` small
 * updates each in one synchronous loop; a reader per board counts them. Refinery relays an update
 * only once it is committed, so the last arrival at the readers is when storage had them all.
 */
async function persistence(scenario) {
  const { target, rooms, updates, drainMs } = scenario
  const writers = rooms.map((room) => yjsClient(target, room))
  const readers = rooms.map((room) => yjsClient(target, room))
  const all = Promise.all([...writers, ...readers].map((c) => c.synced)).then(() => true)
  if (!(await within(all, 20_000, false))) throw new Error('clients did not sync')
  let lastAt = 0
  const done = Promise.all(
    readers.map(
      (reader) =>
        new Promise((resolve) => {
          const map = reader.doc.getMap('bench')
          map.observe(() => {
            lastAt = performance.now()
            if (map.size >= updates) resolve()
          })
        }),
    ),
  )
  await sleep(300)
  mark('start')
  const started = performance.now()
  for (let i = 0; i < updates; i++) {
    for (const writer of writers) writer.doc.getMap('bench').set(`u${i}`, i)
  }
  const ok = await within(
    done.then(() => true),
    drainMs,
    false,
  )
  mark('end')
  const received = readers.map((reader) => reader.doc.getMap('bench').size)
  for (const client of [...writers, ...readers]) client.destroy()
  const ms = lastAt - started
  return { ok, ms, stored: received.reduce((a, b) => a + b, 0), expected: updates * rooms.length }
}

/** How many entries of `map` each board has, as a new client syncs it. */
async function count(scenario) {
  const { target, rooms, map } = scenario
  const sizes = []
  for (const room of rooms) {
    const client = yjsClient(target, room)
    await within(client.synced, 30_000, null)
    sizes.push(client.doc.getMap(map).size)
    client.destroy()
  }
  return { sizes }
}

const runners = { fanout, sustained, idle, coldSync, fillBoard, persistence, count }

// Forked by run.mjs; the browser bench only imports its Yjs client.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once('message', async (scenario) => {
    try {
      const result = await runners[scenario.kind](scenario)
      process.send({ result })
    } catch (error) {
      process.send({ error: error.stack ?? String(error) })
    }
    // Sockets and providers may still hold timers: the result is out, so leave.
    setTimeout(() => process.exit(0), 50)
  })
}
