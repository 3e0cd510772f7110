// The bench clients: stock y-websocket providers holding full Y.Docs, run in their own process so
// their work is not counted as the server's. Reads one scenario as JSON from argv, prints one JSON
// result line.
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

const scenario = JSON.parse(process.argv[2])

function socketClass(origin, cookie) {
  return class extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols, { headers: { origin, cookie } })
    }
  }
}

function connect(boardId) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`ws://127.0.0.1:${scenario.port}/sync`, boardId, doc, {
    WebSocketPolyfill: socketClass(scenario.origin, scenario.cookie),
    disableBc: true,
  })
  const synced = new Promise((resolve) => {
    if (provider.synced) resolve()
    else provider.once('sync', resolve)
  })
  return { doc, provider, synced }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

async function fanout({ boardId, readers, updates, rate }) {
  const writer = connect(boardId)
  const clients = Array.from({ length: readers }, () => connect(boardId))
  await Promise.all([writer.synced, ...clients.map((c) => c.synced)])
  await sleep(200)
  const sentAt = new Map()
  const latencies = []
  let received = 0
  const expected = updates * readers
  const done = new Promise((resolve) => {
    for (const client of clients) {
      client.doc.getMap('bench').observe((event) => {
        const now = performance.now()
        for (const key of event.keysChanged) {
          const start = sentAt.get(key)
          if (start !== undefined) latencies.push(now - start)
          received++
        }
        if (received >= expected) resolve()
      })
    }
  })
  const started = performance.now()
  const map = writer.doc.getMap('bench')
  if (rate === 'burst') {
    for (let i = 0; i < updates; i++) {
      sentAt.set(`k${i}`, performance.now())
      map.set(`k${i}`, i)
    }
  } else {
    const interval = 1000 / rate
    for (let i = 0; i < updates; i++) {
      const due = started + i * interval
      const wait = due - performance.now()
      if (wait > 0) await sleep(wait)
      sentAt.set(`k${i}`, performance.now())
      map.set(`k${i}`, i)
    }
  }
  const timeout = sleep(60_000).then(() => 'timeout')
  const outcome = await Promise.race([done.then(() => 'ok'), timeout])
  const elapsed = performance.now() - started
  latencies.sort((a, b) => a - b)
  for (const client of [writer, ...clients]) client.provider.destroy()
  return {
    ok: outcome === 'ok',
    delivered: received / expected,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    elapsedMs: elapsed,
  }
}

async function fill({ boardId, entries }) {
  const writer = connect(boardId)
  await writer.synced
  const records = writer.doc.getMap('records')
  for (let i = 0; i < entries; i += 500) {
    writer.doc.transact(() => {
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
    await sleep(5)
  }
  await sleep(500)
  writer.provider.destroy()
  return { ok: true, entries: records.size }
}

async function coldSync({ boardId, entries }) {
  const started = performance.now()
  const client = connect(boardId)
  await client.synced
  const elapsed = performance.now() - started
  const size = client.doc.getMap('records').size
  client.provider.destroy()
  return { ok: size === entries, ms: elapsed, entries: size }
}

const runners = { fanout, fill, coldSync }
const result = await runners[scenario.kind](scenario)
process.stdout.write(`${JSON.stringify(result)}\n`)
process.exit(0)
