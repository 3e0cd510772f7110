import fc from 'fast-check'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as syncProtocol from 'y-protocols/sync'
import { messageSync, WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { applyWithoutEcho, receiveServerUpdatesAsSent, type UpdateListener } from './serverUpdates'

const SERVER = Symbol('server')

/** How many `update` listeners the document has now (lib0's Observable keeps them in `_observers`). */
function updateListenerCount(doc: Y.Doc): number {
  return (doc as unknown as { _observers: Map<string, Set<unknown>> })._observers.get('update')?.size ?? 0
}

/** An update of `source` holding `key` = `value`, as the server would send it. */
function serverChange(source: Y.Doc, key: string, value: unknown): Uint8Array {
  const before = Y.encodeStateVector(source)
  source.getMap('m').set(key, value)
  return Y.encodeStateAsUpdate(source, before)
}

describe('applyWithoutEcho', () => {
  it('applies the server’s update with the listeners set aside, so Yjs encodes nothing for them', () => {
    const server = new Y.Doc()
    const doc = new Y.Doc()
    const heard: unknown[] = []
    const listener: UpdateListener = (_update, origin) => heard.push(origin)
    doc.on('update', listener)
    const listenersDuringApply: number[] = []
    doc.getMap('m').observe(() => listenersDuringApply.push(updateListenerCount(doc)))

    applyWithoutEcho(doc, serverChange(server, 'title', 'Checkout'), SERVER, [listener])

    expect(doc.getMap('m').get('title')).toBe('Checkout')
    expect(listenersDuringApply).toEqual([0])
    expect(heard).toEqual([])
    // Set back: one's own change is heard as before.
    doc.getMap('m').set('mine', 1)
    expect(heard).toEqual([null])
    expect(updateListenerCount(doc)).toBe(1)
  })

  it('sets the listeners back when the update does not apply', () => {
    const doc = new Y.Doc()
    const heard: unknown[] = []
    const listener: UpdateListener = (_update, origin) => heard.push(origin)
    doc.on('update', listener)
    expect(() => applyWithoutEcho(doc, new Uint8Array([200, 200, 200, 200]), SERVER, [listener])).toThrow()
    doc.getMap('m').set('mine', 1)
    expect(heard).toEqual([null])
  })

  it('hands a change made while the update applied (an observer writing back) to every listener', () => {
    const server = new Y.Doc()
    const doc = new Y.Doc()
    const sent: Uint8Array[] = []
    const toServer: UpdateListener = (update, origin) => {
      if (origin !== SERVER) sent.push(update)
    }
    doc.on('update', toServer)
    const map = doc.getMap('m')
    map.observe((event) => {
      if (event.keysChanged.has('card') && !map.has('seen'))
        doc.transact(() => map.set('seen', true), 'observer')
    })

    applyWithoutEcho(doc, serverChange(server, 'card', 'A'), SERVER, [toServer])

    expect(map.get('seen')).toBe(true)
    expect(sent.length).toBeGreaterThan(0)
    for (const update of sent) Y.applyUpdate(server, update)
    expect(server.getMap('m').toJSON()).toEqual({ card: 'A', seen: true })
  })

  it('loses no change between the server, this document and its offline copy (property)', () => {
    type Step =
      | { kind: 'server'; key: string; value: number }
      | { kind: 'own'; key: string; value: number }
      | { kind: 'deliver' }
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e')
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('server' as const), key, value: fc.integer({ min: 0, max: 99 }) }),
      fc.record({ kind: fc.constant('own' as const), key, value: fc.integer({ min: 0, max: 99 }) }),
      fc.record({ kind: fc.constant('deliver' as const) }),
    )
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const server = new Y.Doc()
        const doc = new Y.Doc()
        // What the server has not delivered yet, in the order it made it.
        let outbox: Uint8Array[] = []
        server.on('update', (update: Uint8Array, origin: unknown) => {
          if (origin !== 'client') outbox.push(update)
        })
        // The socket: one's own changes go to the server at once.
        const toServer: UpdateListener = (update, origin) => {
          if (origin !== SERVER) Y.applyUpdate(server, update, 'client')
        }
        // The offline copy: one's own changes from the listener, the server's as they came.
        const copy: Uint8Array[] = []
        const toCopy: UpdateListener = (update, origin) => {
          if (origin !== SERVER) copy.push(update)
        }
        doc.on('update', toServer)
        doc.on('update', toCopy)
        // An observer that answers some of the server's changes with one of its own.
        const map = doc.getMap<number>('m')
        map.observe((event, transaction) => {
          if (transaction.origin !== SERVER) return
          for (const changed of event.keysChanged) {
            const value = map.get(changed)
            if (value !== undefined && value % 3 === 0)
              doc.transact(() => map.set(`echo-${changed}`, value), 'observer')
          }
        })
        const deliver = () => {
          const updates = outbox
          outbox = []
          for (const update of updates) {
            applyWithoutEcho(doc, update, SERVER, [toServer, toCopy])
            copy.push(update)
          }
        }
        for (const s of steps) {
          if (s.kind === 'server') server.getMap('m').set(s.key, s.value)
          else if (s.kind === 'own') map.set(s.key, s.value)
          else deliver()
        }
        deliver()
        const restored = new Y.Doc()
        for (const update of copy) Y.applyUpdate(restored, update)
        expect(server.getMap('m').toJSON()).toEqual(map.toJSON())
        expect(restored.getMap('m').toJSON()).toEqual(map.toJSON())
      }),
      { numRuns: 300 },
    )
  })
})

describe('receiveServerUpdatesAsSent', () => {
  const providers: WebsocketProvider[] = []
  afterEach(() => {
    for (const provider of providers.splice(0)) provider.destroy()
    vi.restoreAllMocks()
  })

  /** A provider that never connects, and a sync message from the server handed to its handler. */
  function setUp() {
    const doc = new Y.Doc()
    const provider = new WebsocketProvider('ws://127.0.0.1:9', 'board', doc, {
      connect: false,
      disableBc: true,
    })
    providers.push(provider)
    const received: Uint8Array[] = []
    receiveServerUpdatesAsSent(provider, [provider._updateHandler], (update) => received.push(update))
    const handle = (write: (encoder: encoding.Encoder) => void) => {
      const message = encoding.createEncoder()
      write(message)
      const reply = encoding.createEncoder()
      provider.messageHandlers[messageSync]?.(
        reply,
        decoding.createDecoder(encoding.toUint8Array(message)),
        provider,
        true,
        messageSync,
      )
      return encoding.toUint8Array(reply)
    }
    return { doc, provider, received, handle }
  }

  it('applies the server’s state, hands it on as sent, and counts the first sync as done', () => {
    const { doc, provider, received, handle } = setUp()
    const server = new Y.Doc()
    server.getMap('m').set('title', 'Checkout')
    const state = Y.encodeStateAsUpdate(server)

    const reply = handle((message) => syncProtocol.writeSyncStep2(message, server, Y.encodeStateVector(doc)))

    expect(doc.getMap('m').get('title')).toBe('Checkout')
    expect(received).toEqual([state])
    expect(provider.synced).toBe(true)
    // Nothing to answer: the reply holds only the message type.
    expect(reply).toEqual(new Uint8Array([messageSync]))

    const change = serverChange(server, 'estimate', 5)
    handle((message) => syncProtocol.writeUpdate(message, change))
    expect(doc.getMap('m').get('estimate')).toBe(5)
    expect(received).toEqual([state, change])
  })

  it('answers the server’s state vector with what it lacks, as y-websocket does', () => {
    const { doc, handle } = setUp()
    doc.getMap('m').set('offline', 'work')
    const reply = handle((message) => syncProtocol.writeSyncStep1(message, new Y.Doc()))
    const decoder = decoding.createDecoder(reply)
    expect(decoding.readVarUint(decoder)).toBe(messageSync)
    expect(decoding.readVarUint(decoder)).toBe(syncProtocol.messageYjsSyncStep2)
    const replica = new Y.Doc()
    Y.applyUpdate(replica, decoding.readVarUint8Array(decoder))
    expect(replica.getMap('m').get('offline')).toBe('work')
  })

  it('logs an update that does not apply, hands nothing on, and still counts the first sync as done', () => {
    const { provider, received, handle } = setUp()
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    handle((message) => {
      encoding.writeVarUint(message, syncProtocol.messageYjsSyncStep2)
      encoding.writeVarUint8Array(message, new Uint8Array([200, 200, 200, 200]))
    })
    expect(received).toEqual([])
    expect(logged).toHaveBeenCalledWith('Caught error while handling a Yjs update', expect.any(Error))
    expect(provider.synced).toBe(true)
  })

  it('logs an update cut short, as y-protocols does, and hands nothing on', () => {
    const { received, handle } = setUp()
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    handle((message) => {
      encoding.writeVarUint(message, syncProtocol.messageYjsUpdate)
      // Says 50 bytes follow; 2 do.
      encoding.writeVarUint(message, 50)
      encoding.writeUint8(message, 1)
      encoding.writeUint8(message, 2)
    })
    expect(received).toEqual([])
    expect(logged).toHaveBeenCalledWith('Caught error while handling a Yjs update', expect.any(Error))
  })

  it('refuses a sync message of a type it does not know', () => {
    const { handle } = setUp()
    expect(() => handle((message) => encoding.writeVarUint(message, 7))).toThrow(
      'Unknown sync message type 7',
    )
  })
})
