// The browser bench's Node clients, forked by run.mjs so their CPU is neither the servers' nor the
// browser's. One message in ({ kind, ... }), marks out ({ mark }) while it runs, one result at the end.
//   seed:  writes the bench board into a Refinery board through y-websocket (the tldraw side's room is
//          seeded by its server).
//   move:  `writers` clients each move a card of their own `rate` times a second for `seconds`, after
//          a { go } from the parent: y-websocket clients for Refinery, tldraw's own `TLSyncClient`
//          (@tldraw/sync-core, in Node with a few browser globals) for tldraw sync. Answers when each
//          move was made, on the wall clock the observer page reads too.

import { setMaxListeners } from 'node:events'
import { atom } from '@tldraw/state'
import { Store } from '@tldraw/store'
import { ClientWebSocketAdapter, TLSyncClient } from '@tldraw/sync-core'
import { createTLSchema, InstancePresenceRecordType } from '@tldraw/tlschema'
import * as Y from 'yjs'
import { within, yjsClient } from '../clients.mjs'
import { boardRecords, cardId, movedPlace, moverCard, PAGE_ID } from './shapes.mjs'

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const mark = (name, extra = {}) => process.send?.({ mark: name, ...extra })
const wallNow = () => performance.timeOrigin + performance.now()

/** A record as the board document holds it (CONTRACT section 5): props and meta nested Y.Maps. */
function recordMap(record) {
  const map = new Y.Map()
  for (const [key, value] of Object.entries(record)) {
    if (key === 'props' || key === 'meta') {
      const nested = new Y.Map()
      for (const [k, v] of Object.entries(value)) nested.set(k, v)
      map.set(key, nested)
    } else map.set(key, value)
  }
  return map
}

async function synced(client) {
  if (
    !(await within(
      client.synced.then(() => true),
      30_000,
      false,
    ))
  )
    throw new Error('a client did not sync')
  return client
}

async function seed({ target, room, shapes }) {
  const writer = await synced(yjsClient(target, room))
  const all = boardRecords(shapes)
  const records = writer.doc.getMap('records')
  for (let i = 0; i < all.length; i += 500) {
    writer.doc.transact(() => {
      for (const record of all.slice(i, i + 500)) records.set(record.id, recordMap(record))
    })
    await sleep(5)
  }
  // Stored before relayed: once a new client sees every record, the server has them all.
  for (let attempt = 0; attempt < 100; attempt++) {
    const check = await synced(yjsClient(target, room))
    const seen = check.doc.getMap('records').size
    check.destroy()
    if (seen === all.length) break
    await sleep(200)
  }
  writer.destroy()
  return { records: all.length }
}

/** The browser globals `ClientWebSocketAdapter` and the sync client's frame throttle reach for. */
function browserGlobals() {
  globalThis.window ??= Object.assign(new EventTarget(), { devicePixelRatio: 1 })
  globalThis.document ??= Object.assign(new EventTarget(), { hidden: false })
  // Every client listens to both, and twenty clients share them.
  setMaxListeners(0, globalThis.window, globalThis.document)
  globalThis.requestAnimationFrame ??= (callback) => setTimeout(() => callback(performance.now()), 16)
  globalThis.cancelAnimationFrame ??= (handle) => clearTimeout(handle)
}

/**
 * A tldraw sync client in Node: a tldraw store kept in step by `TLSyncClient`, present on the page as
 * a person is (a page that sees nobody else present syncs once a second, `useSync`'s solo mode).
 */
async function tldrawClient(uri, name) {
  browserGlobals()
  const store = new Store({
    schema: createTLSchema(),
    props: { defaultName: '', assets: {}, onMount: () => undefined },
  })
  const socket = new ClientWebSocketAdapter(() => uri)
  let client
  await within(
    new Promise((resolve, reject) => {
      client = new TLSyncClient({
        store,
        socket,
        presence: atom(
          'presence',
          InstancePresenceRecordType.create({
            id: InstancePresenceRecordType.createId(name),
            currentPageId: PAGE_ID,
            userId: `user:${name}`,
            userName: name,
          }),
        ),
        onLoad: resolve,
        onSyncError: (reason) => reject(new Error(`tldraw sync error: ${reason}`)),
      })
    }),
    30_000,
    null,
  )
  return {
    move(id, place) {
      store.put([{ ...store.get(id), ...place }])
    },
    destroy() {
      client.close()
      socket.close()
    },
  }
}

async function yjsMover(target, room) {
  const client = await synced(yjsClient(target, room))
  const records = client.doc.getMap('records')
  return {
    // x, y and rotation together, as Refinery's binding writes a placement.
    move(id, place) {
      const record = records.get(id)
      client.doc.transact(() => {
        record.set('x', place.x)
        record.set('y', place.y)
        record.set('rotation', 0)
      })
    },
    destroy: () => client.destroy(),
  }
}

async function move({ side, target, room, uri, writers, rate, seconds }) {
  const clients = []
  for (let w = 0; w < writers; w++) {
    clients.push(side === 'refinery' ? await yjsMover(target, room) : await tldrawClient(uri, `writer-${w}`))
  }
  const go = new Promise((resolve) => process.once('message', resolve))
  mark('ready')
  await go
  const moves = Math.round(rate * seconds)
  const sent = clients.map(() => [])
  const interval = 1000 / rate
  const started = performance.now()
  // Each writer at its own phase in the interval, as people's moves are not in step.
  await Promise.all(
    clients.map(async (client, w) => {
      // Move 0 would be the card's home, which the observer cannot tell from no move.
      for (let seq = 1; seq <= moves; seq++) {
        const due = started + (w / writers + seq - 1) * interval
        await sleep(Math.max(0, due - performance.now()))
        sent[w][seq] = wallNow()
        client.move(cardId(moverCard(w)), movedPlace(w, seq))
      }
    }),
  )
  await sleep(1000)
  for (const client of clients) client.destroy()
  return { sent }
}

const runners = { seed, move }
process.once('message', async (scenario) => {
  try {
    process.send({ result: await runners[scenario.kind](scenario) })
  } catch (error) {
    process.send({ error: error.stack ?? String(error) })
  }
  setTimeout(() => process.exit(0), 50)
})
