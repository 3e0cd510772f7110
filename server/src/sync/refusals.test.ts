import { BOARD_LIMITS, CloseCode, getRecords, putRecord, VOTES_KEY } from '@refinery/shared'
import { cardAt } from '@refinery/shared/testing'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { craft, item } from '../../test/craftedUpdates'
import {
  addMember,
  castVote,
  cleanupAfterEach,
  closeCode,
  connectClient,
  createBoard,
  openRawSocket,
  signUp,
  startTestServer,
  type TestClient,
  updateOf,
  waitFor,
  waitForSync,
} from '../../test/helpers'
import type { Config } from '../config'
import { buildStoredDocument } from '../storage/compaction'
import { encodeAwareness, encodeUpdate } from './messages'

/*
 * What a hostile or broken client sends, over real sockets to a real server on SQLite: each is
 * refused with its own close code, nothing of it is stored or reaches anyone, and everyone else
 * carries on (issue 14).
 */

const cleanup = cleanupAfterEach()

/** A board with a story card, its owner's client on it, and an editor who can open raw sockets. */
async function board(overrides: Partial<Config> = {}) {
  const running = await startTestServer(overrides)
  cleanup(() => running.close())
  const owner = await signUp(running.port, 'Olivia')
  const boardId = await createBoard(running.port, owner.cookie)
  const editor = await signUp(running.port, 'Eve')
  await addMember(running.port, owner.cookie, boardId, editor.cookie, 'editor')
  const connect = (cookie: string): TestClient => {
    const client = connectClient(running.port, boardId, { cookie })
    cleanup(() => client.destroy())
    return client
  }
  const ownerClient = connect(owner.cookie)
  await waitForSync(ownerClient)
  putRecord(getRecords(ownerClient.doc), cardAt('a', 120, 75))
  await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').size === 1)
  const raw = async (cookie = editor.cookie) => {
    const { socket, opened } = openRawSocket(running.port, boardId, { cookie })
    cleanup(() => socket.terminate())
    await opened
    return socket
  }
  /** Everything storage holds of the board, as a document, and how many of its records do not apply. */
  const stored = async () => {
    const { snapshot, updates } = await running.store.loadDocument(boardId)
    return buildStoredDocument(Y, snapshot ? [snapshot, ...updates] : updates)
  }
  return { running, owner, editor, boardId, connect, ownerClient, raw, stored }
}

const records = (doc: Y.Doc) => doc.getMap<unknown>('records')

describe('document updates the server refuses', () => {
  it('an update Yjs throws on closes its socket with 4422; it is neither stored nor relayed', async () => {
    const { owner, connect, ownerClient, raw, stored } = await board()
    const other = connect(owner.cookie)
    await waitForSync(other)
    const socket = await raw()
    const closed = closeCode(socket)
    // An item that refers to a later change of its own client: Yjs throws on it, halfway.
    socket.send(
      encodeUpdate(
        craft([{ client: 4242, clock: 0, items: [item([4242, 0], { origin: Y.createID(4242, 3) })] }]),
      ),
    )
    expect(await closed).toBe(CloseCode.UnappliableUpdate)

    records(ownerClient.doc).set('after', 'still editable')
    await waitFor(() => records(other.doc).get('after') === 'still editable', {
      message: 'a later edit to go through',
    })
    for (const client of [ownerClient, other]) expect(client.doc.store.clients.has(4242)).toBe(false)
    const { doc, skipped } = await stored()
    expect(skipped).toBe(0)
    expect(doc.store.clients.has(4242)).toBe(false)
    expect(records(doc).get('after')).toBe('still editable')
  })

  it('a board whose stored log holds an update that does not apply opens with everything else', async () => {
    const { running, owner, boardId, connect, ownerClient, stored } = await board({ roomIdleMs: 50 })
    ownerClient.destroy()
    await waitFor(() => running.sync.peekRoom(boardId) === undefined, { message: 'the room to unload' })
    const folded = async () => (await running.store.loadDocument(boardId)).updates.length === 0
    await waitFor(folded, { message: 'the unloaded room’s log to be folded' })
    // What an earlier server stored: an edit, an update that throws when applied, and another edit.
    const writer = new Y.Doc()
    Y.applyUpdate(writer, Y.encodeStateAsUpdate((await stored()).doc))
    const edit = (key: string) => {
      const before = Y.encodeStateVector(writer)
      records(writer).set(key, 'kept')
      return { boardId, update: Y.encodeStateAsUpdate(writer, before) }
    }
    const poison = craft([
      { client: 4343, clock: 0, items: [item([4343, 0], { origin: Y.createID(4343, 9) })] },
    ])
    await running.store.appendUpdates([edit('before'), { boardId, update: poison }, edit('after')])

    const reader = connect(owner.cookie)
    await waitFor(() => records(reader.doc).get('after') === 'kept', { message: 'the board to open' })
    expect(records(reader.doc).get('before')).toBe('kept')
    expect(reader.doc.store.clients.has(4343)).toBe(false)
    // The fold drops it from storage for good.
    await waitFor(folded, { message: 'the log to be folded' })
    const { doc, skipped } = await stored()
    expect(skipped).toBe(0)
    expect(records(doc).get('after')).toBe('kept')
  })

  it('an update sent ahead of the changes it builds on waits for them, then applies; nothing waits forever', async () => {
    const { running, owner, boardId, connect, raw } = await board({ heartbeatMs: 300 })
    const offline = new Y.Doc()
    const first = updateOf(offline, () => records(offline).set('offline', 'first'))
    const second = updateOf(offline, () => records(offline).set('offline', 'second'))
    const socket = await raw()
    // As a client editing while it reconnects sends it: the new edit before the handshake's diff.
    socket.send(encodeUpdate(second))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(running.sync.peekRoom(boardId)?.doc.getMap('records').get('offline')).toBeUndefined()
    socket.send(encodeUpdate(first))
    const reader = connect(owner.cookie)
    await waitFor(() => records(reader.doc).get('offline') === 'second', { message: 'both edits to apply' })
    expect(socket.readyState).toBe(socket.OPEN)

    const lonely = await raw()
    const closed = closeCode(lonely)
    const orphan = new Y.Doc()
    updateOf(orphan, () => records(orphan).set('never', 'sent'))
    lonely.send(encodeUpdate(updateOf(orphan, () => records(orphan).set('never', 'arrives'))))
    expect(await closed).toBe(CloseCode.Resync)
    expect(records(reader.doc).get('never')).toBeUndefined()
  })

  it('what may wait is bounded: past 256 waiting updates the socket is closed at once, nothing of them kept', async () => {
    const { owner, connect, raw } = await board()
    const socket = await raw()
    const closed = closeCode(socket)
    const orphan = new Y.Doc()
    updateOf(orphan, () => records(orphan).set('never', 'sent'))
    for (let i = 0; i <= 256; i++) {
      socket.send(encodeUpdate(updateOf(orphan, () => records(orphan).set('waiting', i))))
    }
    // Long before the 30-second heartbeat that would end a shorter wait.
    expect(await closed).toBe(CloseCode.Resync)
    const reader = connect(owner.cookie)
    await waitForSync(reader)
    expect(records(reader.doc).get('waiting')).toBeUndefined()
  })

  it('a vote forged through a reference to the server’s next vote waits, then is refused, and stays refused after a restart', async () => {
    const { running, editor, boardId, connect, raw } = await board()
    // The editor votes, and so learns the server's client id and clock from the document.
    const attacker = connect(editor.cookie)
    await waitForSync(attacker)
    expect((await castVote(running.port, editor.cookie, boardId, 'shape:a', 1)).status).toBe(200)
    const mine = `shape:a|${editor.id}`
    await waitFor(() => attacker.doc.getMap(VOTES_KEY).get(mine) === 1, { message: 'the vote to arrive' })
    const serverId = (attacker.doc.getMap(VOTES_KEY)._map.get(mine) as Y.Item).id.client

    // Predict the item the server writes for the editor's next vote, and overwrite it with 99.
    const future = new Y.Doc()
    Y.applyUpdate(future, Y.encodeStateAsUpdate(attacker.doc))
    // Set after: Yjs gives a document a new id when a remote update uses its own.
    future.clientID = serverId
    future.getMap(VOTES_KEY).set(mine, 2)
    const forger = new Y.Doc()
    Y.applyUpdate(forger, Y.encodeStateAsUpdate(future))
    forger.getMap(VOTES_KEY).set(mine, 99)
    const forged = Y.encodeStateAsUpdate(forger, Y.encodeStateVector(future))

    const socket = await raw()
    const closed = closeCode(socket)
    socket.send(encodeUpdate(forged))
    // It waits, unapplied, for what it builds on; once the server writes that, it is checked again.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(socket.readyState).toBe(socket.OPEN)
    expect((await castVote(running.port, editor.cookie, boardId, 'shape:a', 2)).body.left).toBe(3)
    expect(await closed).toBe(CloseCode.ServerOwnedWrite)
    await waitFor(() => attacker.doc.getMap(VOTES_KEY).get(mine) === 2, { message: 'the second vote' })
    const room = running.sync.peekRoom(boardId)
    expect(room?.doc.getMap(VOTES_KEY).get(mine)).toBe(2)
    expect(room?.doc.store.pendingStructs).toBeNull()

    await running.close()
    const restarted = await startTestServer({ dataDir: running.config.dataDir })
    cleanup(() => restarted.close())
    expect(await restarted.sync.read(boardId, (doc) => doc.getMap(VOTES_KEY).toJSON())).toEqual({ [mine]: 2 })
  })
})

/** One awareness message with `entries` client states, as a hostile client writes it. */
function awarenessMessage(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(encoder, clientId)
    encoding.writeVarUint(encoder, clock)
    encoding.writeVarString(encoder, JSON.stringify(state))
  }
  return encodeAwareness(encoding.toUint8Array(encoder))
}

describe('presence the server refuses', () => {
  /** The owner's client showing a cursor, and an observer who sees it. */
  async function presence() {
    const setUp = await board()
    setUp.ownerClient.provider.awareness.setLocalStateField('cursor', { x: 1, y: 2 })
    const observer = setUp.connect(setUp.owner.cookie)
    const ownerId = setUp.ownerClient.doc.clientID
    const seen = () =>
      observer.provider.awareness.getStates().get(ownerId) as { cursor?: unknown } | undefined
    await waitFor(() => seen()?.cursor !== undefined, { message: 'the observer to see the owner' })
    return { ...setUp, observer, ownerId, seen }
  }

  it('ignores echoes of others’ presence, and closes a socket that writes someone else’s with 4430', async () => {
    const { ownerClient, ownerId, seen, raw } = await presence()
    const socket = await raw()
    const closed = closeCode(socket)
    const clock = (ownerClient.provider.awareness.meta.get(ownerId)?.clock ?? 0) as number
    // What the stock provider sends back of everyone it hears: changes nothing, refused nothing.
    socket.send(
      awarenessMessage([{ clientId: ownerId, clock, state: ownerClient.provider.awareness.getLocalState() }]),
    )
    socket.send(awarenessMessage([{ clientId: 7, clock: 1, state: { cursor: { x: 9, y: 9 } } }]))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(socket.readyState).toBe(socket.OPEN)

    socket.send(
      awarenessMessage([{ clientId: ownerId, clock: clock + 5, state: { cursor: { x: 666, y: 666 } } }]),
    )
    expect(await closed).toBe(CloseCode.ForgedPresence)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(seen()?.cursor).toEqual({ x: 1, y: 2 })
  })

  it('closes a socket that floods presence, at once, and leaves everyone else’s alone', async () => {
    const { running, owner, boardId, seen, observer, raw } = await presence()
    const viewer = await signUp(running.port, 'Vera')
    await addMember(running.port, owner.cookie, boardId, viewer.cookie, 'viewer')
    const before = running.sync.peekRoom(boardId)?.awareness.getStates().size
    const socket = await raw(viewer.cookie)
    const closed = closeCode(socket)
    const flood = Array.from({ length: 100_000 }, (_, i) => ({
      clientId: 1_000_000 + i,
      clock: 1,
      state: {},
    }))
    socket.send(awarenessMessage(flood))
    expect(await closed).toBe(CloseCode.ForgedPresence)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(seen()?.cursor).toEqual({ x: 1, y: 2 })
    expect(observer.provider.awareness.getStates().size).toBe(2)
    expect(running.sync.peekRoom(boardId)?.awareness.getStates().size).toBe(before)
  })

  it('closes a socket whose presence is larger than a presence needs', async () => {
    const { raw } = await presence()
    const socket = await raw()
    const closed = closeCode(socket)
    socket.send(
      awarenessMessage([{ clientId: 99, clock: 1, state: { note: 'x'.repeat(BOARD_LIMITS.presenceBytes) } }]),
    )
    expect(await closed).toBe(CloseCode.ForgedPresence)
  })
})

describe('sizes', () => {
  it('a field over the limit closes its socket with 4413 and nothing of that update is kept', async () => {
    const { editor, owner, connect, ownerClient, stored } = await board()
    const writer = connect(editor.cookie)
    await waitForSync(writer)
    const closed = new Promise<number>((resolve) =>
      writer.provider.once('connection-close', (event: CloseEvent | null) => resolve(event?.code ?? 0)),
    )
    writer.doc.transact(() => {
      records(writer.doc).set('note', 'with it')
      const props = (records(writer.doc).get('shape:a') as Y.Map<Y.Map<unknown>>).get('props')
      props?.set('title', 't'.repeat(BOARD_LIMITS.fieldChars + 1))
    })
    expect(await closed).toBe(CloseCode.TooLarge)
    records(ownerClient.doc).set('later', 'yes')
    const late = connect(owner.cookie)
    await waitFor(() => records(late.doc).get('later') === 'yes', { message: 'a later edit' })
    expect(records(late.doc).get('note')).toBeUndefined()
    expect(records((await stored()).doc).get('note')).toBeUndefined()
  })
})
