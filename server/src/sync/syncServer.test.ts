import { CloseCode, MessageType } from '@refinery/shared'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  cleanupAfterEach,
  closeCode,
  connectClient,
  createBoard,
  exited,
  openRawSocket,
  removeDir,
  signUp,
  spawnServer,
  startTestServer,
  type TestClient,
  tempDir,
  waitFor,
  waitForSync,
} from '../../test/helpers'
import type { RunningServer } from '../server'
import { COMPACTION } from '../storage/compaction'
import { encodeUpdate } from './messages'
import { plainStream } from './wireFrame'

const cleanup = cleanupAfterEach()

async function server(overrides: Parameters<typeof startTestServer>[0] = {}) {
  const running = await startTestServer(overrides)
  cleanup(() => running.close())
  return running
}

/** A signed-up owner and a board of theirs. */
async function ownedBoard(running: { port: number }) {
  const owner = await signUp(running.port)
  return { owner, boardId: await createBoard(running.port, owner.cookie) }
}

function client(running: { port: number }, boardId: string, cookie: string): TestClient {
  const c = connectClient(running.port, boardId, { cookie })
  cleanup(() => c.destroy())
  return c
}

const cards = (c: TestClient) => c.doc.getMap<string>('records')

/** A server, a board of its owner's, and two of the owner's clients on it, synced. */
async function roomWithTwoClients(overrides: Parameters<typeof startTestServer>[0] = {}) {
  const running = await server(overrides)
  const { owner, boardId } = await ownedBoard(running)
  const a = client(running, boardId, owner.cookie)
  const b = client(running, boardId, owner.cookie)
  await Promise.all([waitForSync(a), waitForSync(b)])
  const raw = () => openRawSocket(running.port, boardId, { cookie: owner.cookie })
  return { running, a, b, raw, owner, boardId }
}

describe('sync over real WebSockets and SQLite', () => {
  it('two clients converge on each other’s edits', async () => {
    const { a, b } = await roomWithTwoClients()
    cards(a).set('from-a', 'A')
    cards(b).set('from-b', 'B')
    await waitFor(() => cards(a).size === 2 && cards(b).size === 2, { message: 'both edits on both sides' })
    expect(cards(a).toJSON()).toEqual(cards(b).toJSON())
  })

  it('keeps boards apart', async () => {
    const running = await server()
    const first = await ownedBoard(running)
    const second = await createBoard(running.port, first.owner.cookie)
    const a = client(running, first.boardId, first.owner.cookie)
    const b = client(running, second, first.owner.cookie)
    await Promise.all([waitForSync(a), waitForSync(b)])
    cards(a).set('only-a', '1')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(cards(b).size).toBe(0)
  })

  it('a late joiner gets everything', async () => {
    const running = await server()
    const { owner, boardId } = await ownedBoard(running)
    const a = client(running, boardId, owner.cookie)
    await waitForSync(a)
    for (let i = 0; i < 20; i++) cards(a).set(`card-${i}`, `v${i}`)
    await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').size === 20)
    const late = client(running, boardId, owner.cookie)
    await waitFor(() => cards(late).size === 20, { message: 'the late joiner to catch up' })
    expect(cards(late).toJSON()).toEqual(cards(a).toJSON())
  })

  it('a restart keeps everything', async () => {
    const dataDir = tempDir()
    cleanup(() => removeDir(dataDir))
    const first = await startTestServer({ dataDir })
    const { owner, boardId } = await ownedBoard(first)
    const a = connectClient(first.port, boardId, { cookie: owner.cookie })
    await waitForSync(a)
    cards(a).set('kept', 'yes')
    await waitFor(() => first.sync.peekRoom(boardId)?.doc.getMap('records').get('kept') === 'yes')
    await first.close()
    a.destroy()

    // Same data directory and port: the session, the membership and the document all come back.
    const second = await server({ dataDir, port: first.port, allowedOrigins: first.config.allowedOrigins })
    const b = client(second, boardId, owner.cookie)
    await waitFor(() => cards(b).get('kept') === 'yes', { message: 'the board to come back' })
  })

  it('compaction leaves the document exactly as it was', async () => {
    const dataDir = tempDir()
    cleanup(() => removeDir(dataDir))
    const running = await server({ dataDir })
    const { owner, boardId } = await ownedBoard(running)
    const a = client(running, boardId, owner.cookie)
    await waitForSync(a)
    const total = COMPACTION.maxLogUpdates + 50
    for (let i = 0; i < total; i++) {
      cards(a).set(`card-${i % 40}`, `value ${i}`)
      if (i % 97 === 0) cards(a).delete(`card-${(i + 3) % 40}`)
      // One event-loop turn each, so every edit is its own stored update.
      await new Promise((resolve) => setImmediate(resolve))
    }
    const storedContent = async () => {
      const stored = await running.store.loadDocument(boardId)
      const fresh = new Y.Doc()
      if (stored.snapshot) Y.applyUpdate(fresh, stored.snapshot)
      for (const update of stored.updates) Y.applyUpdate(fresh, update)
      return { stored, content: fresh.getMap('records').toJSON() }
    }
    const expected = JSON.stringify(cards(a).toJSON())
    // Compaction runs beside the relay, so the snapshot may come a little after the last edit is stored.
    await waitFor(
      async () => {
        const { stored, content } = await storedContent()
        return stored.snapshot !== null && JSON.stringify(content) === expected
      },
      { message: 'storage to hold every edit, compacted' },
    )
    const { stored, content } = await storedContent()
    expect(stored.snapshot).not.toBeNull()
    expect(stored.updates.length).toBeLessThan(COMPACTION.maxLogUpdates)
    expect(content).toEqual(cards(a).toJSON())
  })

  it('a returning client with part of the board gets exactly what it lacks from a board loaded from storage', async () => {
    const running = await server({ roomIdleMs: 50 })
    const { owner, boardId } = await ownedBoard(running)
    const returning = client(running, boardId, owner.cookie)
    await waitForSync(returning)
    cards(returning).set('seen', 'before')
    await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').has('seen') === true)
    returning.provider.disconnect()

    const other = connectClient(running.port, boardId, { cookie: owner.cookie })
    await waitForSync(other)
    cards(other).set('missed', 'while away')
    await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').has('missed') === true)
    other.destroy()
    await waitFor(() => running.sync.peekRoom(boardId) === undefined, { message: 'the room to unload' })

    // Back: its state vector is not empty, so the answer is the stored state less what it has.
    returning.provider.connect()
    await waitFor(() => cards(returning).get('missed') === 'while away', { message: 'the missed edit' })
    expect(cards(returning).toJSON()).toEqual({ seen: 'before', missed: 'while away' })
    const fresh = client(running, boardId, owner.cookie)
    await waitFor(() => cards(fresh).size === 2, { message: 'a new client to get everything' })
  })

  it('edits made offline reach a board loaded from its compacted snapshot', async () => {
    const running = await server({ roomIdleMs: 50 })
    const { owner, boardId } = await ownedBoard(running)
    const away = client(running, boardId, owner.cookie)
    await waitForSync(away)
    cards(away).set('online', 'yes')
    await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').has('online') === true)
    away.provider.disconnect()
    cards(away).set('offline', 'made while away')
    await waitFor(() => running.sync.peekRoom(boardId) === undefined, { message: 'the room to unload' })
    // An unloaded board's log is folded beside the pipeline, shortly after.
    await waitFor(async () => (await running.store.loadDocument(boardId)).updates.length === 0, {
      message: 'the log to be compacted',
    })
    const stored = await running.store.loadDocument(boardId)
    expect(stored.snapshotStateVector).not.toBeNull()

    // The room greets with the stored state vector; the client answers with what it lacks.
    away.provider.connect()
    await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').has('offline') === true, {
      message: 'the offline edit to reach the server',
    })
    const fresh = client(running, boardId, owner.cookie)
    await waitFor(() => cards(fresh).size === 2, { message: 'a new client to get both edits' })
    expect(cards(fresh).toJSON()).toEqual({ online: 'yes', offline: 'made while away' })
  })

  it('clients that only read a board loaded from storage never make the server build its document', async () => {
    const running = await server({ roomIdleMs: 50 })
    const { owner, boardId } = await ownedBoard(running)
    const writer = connectClient(running.port, boardId, { cookie: owner.cookie })
    await waitForSync(writer)
    for (let i = 0; i < 10; i++) cards(writer).set(`card-${i}`, `v${i}`)
    await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').size === 10)
    writer.destroy()
    await waitFor(() => running.sync.peekRoom(boardId) === undefined, { message: 'the room to unload' })
    // Unloading folds the log into a snapshot; a log would be applied at load, to keep out records
    // that do not apply.
    await waitFor(async () => (await running.store.loadDocument(boardId)).updates.length === 0, {
      message: 'the log to be folded',
    })

    // Each reader answers the server's sync step 1 with the empty update and announces its presence.
    const readers = [client(running, boardId, owner.cookie), client(running, boardId, owner.cookie)]
    await waitFor(() => readers.every((reader) => cards(reader).size === 10), { message: 'readers to sync' })
    for (const [i, reader] of readers.entries())
      reader.provider.awareness.setLocalStateField('cursor', { x: i })
    await waitFor(() => readers.every((reader) => reader.provider.awareness.getStates().size === 2), {
      message: 'presence to be exchanged',
    })
    expect(running.sync.peekRoom(boardId)?.documentBuilt).toBe(false)

    cards(readers[0] as TestClient).set('card-10', 'v10')
    await waitFor(() => cards(readers[1] as TestClient).size === 11, { message: 'an edit to go through' })
    expect(running.sync.peekRoom(boardId)?.documentBuilt).toBe(true)
  })

  it('applies a client’s update to the server’s document before storing and relaying it', async () => {
    const { running, boardId, a, b } = await roomWithTwoClients()
    const room = running.sync.peekRoom(boardId)
    if (!room) throw new Error('the room is not open')
    const events: string[] = []
    room.doc.on('afterTransaction', () => events.push('applied'))
    const append = running.store.appendUpdates.bind(running.store)
    running.store.appendUpdates = (batch) => {
      events.push('stored')
      return append(batch)
    }
    for (const { socket } of room.connections) {
      // A broadcast writes its frame, framed once, to each socket's stream (see `wireFrame`).
      const stream = plainStream(socket)
      if (!stream) throw new Error('the socket has no stream to write to')
      const write = stream.write.bind(stream)
      stream.write = ((wire: Buffer, ...rest: []) => {
        if (wire[2] === MessageType.Sync) events.push('sent')
        return write(wire, ...rest)
      }) as typeof stream.write
    }

    cards(a).set('card', 'v1')
    await waitFor(() => cards(b).get('card') === 'v1', { message: 'the edit to reach b' })
    await waitFor(() => events.includes('applied'), { message: 'the server to apply it' })
    // Applied (a poison update throws here, before anyone has it), then stored, then one frame.
    expect(events).toEqual(['applied', 'stored', 'sent'])
    expect(room.doc.getMap('records').get('card')).toBe('v1')
  })

  it('a change of the server’s own merged with one client’s edit still reaches that client', async () => {
    const { running, boardId, a, b } = await roomWithTwoClients()
    const room = running.sync.peekRoom(boardId)
    if (!room) throw new Error('the room is not open')
    // a's socket is the one that announced a's presence: a and b connect at once, in either order.
    const socketOf = (c: TestClient) =>
      [...room.connections].find((connection) => connection.awarenessClient === c.doc.clientID)
    await waitFor(() => socketOf(a) !== undefined, { message: 'a to announce its presence' })
    const aSocket = socketOf(a)
    if (!aSocket) throw new Error('a has no socket')
    // Right after the server took a's edit, in the same event-loop turn, it writes a vote.
    aSocket.socket.once('message', () => {
      void running.sync.change(boardId, (doc) => doc.getMap('votes').set('shape:x|u', 1))
    })
    cards(a).set('card', 'edit')
    await waitFor(() => b.doc.getMap('votes').size === 1 && cards(b).has('card'), {
      message: 'b to get both',
    })
    await waitFor(() => a.doc.getMap('votes').get('shape:x|u') === 1, { message: 'the vote to reach a' })
  })

  it('an edit whose storing fails is kept, retried, and relayed only once stored', async () => {
    const { running, boardId, owner, a, b } = await roomWithTwoClients()
    const events: string[] = []
    const append = running.store.appendUpdates.bind(running.store)
    running.store.appendUpdates = async (batch) => {
      if (!events.includes('failed')) {
        events.push('failed')
        throw new Error('disk full')
      }
      await append(batch)
      events.push('stored')
    }
    cards(b).observe(() => events.push('relayed'))

    cards(a).set('card', 'v1')
    await waitFor(() => events.includes('failed'), { message: 'the first attempt to fail' })
    // A client joining meanwhile: its answer waits for the edit to be stored, rather than leaving it out.
    const late = client(running, boardId, owner.cookie)
    await waitFor(() => cards(b).get('card') === 'v1' && cards(late).get('card') === 'v1', {
      message: 'the retry to store and relay the edit',
    })
    expect(events).toEqual(['failed', 'stored', 'relayed'])
    const stored = new Y.Doc()
    for (const update of (await running.store.loadDocument(boardId)).updates) Y.applyUpdate(stored, update)
    expect(stored.getMap('records').get('card')).toBe('v1')
    expect(running.sync.peekRoom(boardId)?.doc.getMap('records').get('card')).toBe('v1')
  })

  it('keeps a board in memory while its edits wait for storage, and unloads it once they are stored', async () => {
    const { running, boardId, owner, a, b } = await roomWithTwoClients({ roomIdleMs: 50 })
    const append = running.store.appendUpdates.bind(running.store)
    let storageDown = true
    running.store.appendUpdates = async (batch) => {
      if (storageDown) throw new Error('disk full')
      return append(batch)
    }
    cards(a).set('card', 'v1')
    await new Promise((resolve) => setTimeout(resolve, 100))
    a.destroy()
    b.destroy()
    // Several idle periods pass; the room holds the only copy of the edit, so it stays.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(running.sync.peekRoom(boardId)).toBeDefined()

    storageDown = false
    await waitFor(() => running.sync.peekRoom(boardId) === undefined, {
      message: 'the room to unload once the retry stored the edit',
    })
    const reader = client(running, boardId, owner.cookie)
    await waitFor(() => cards(reader).get('card') === 'v1', { message: 'the stored edit to load' })
  })

  it('unloads an idle board after its last client leaves, and loads it again intact', async () => {
    const running = await server({ roomIdleMs: 50 })
    const { owner, boardId } = await ownedBoard(running)
    const a = connectClient(running.port, boardId, { cookie: owner.cookie })
    await waitForSync(a)
    cards(a).set('x', '1')
    await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').get('x') === '1')
    a.destroy()
    await waitFor(() => running.sync.peekRoom(boardId) === undefined, { message: 'the room to unload' })
    const b = client(running, boardId, owner.cookie)
    await waitFor(() => cards(b).get('x') === '1', { message: 'the board to load again' })
  })
})

describe('bad input closes one connection; the room carries on', () => {
  async function stillWorks(a: TestClient, b: TestClient, key: string) {
    cards(a).set(key, 'ok')
    await waitFor(() => cards(b).get(key) === 'ok', { message: 'the room to keep syncing' })
  }

  it.each([
    ['an unknown message type', new Uint8Array([42, 1, 2])],
    ['a truncated frame', new Uint8Array([0, 2, 90, 1])],
    ['an update that does not decode', encodeUpdate(new Uint8Array([255, 255, 255, 255, 1, 2, 3]))],
  ])('%s closes with 4400', async (_name, frame) => {
    const { a, b, raw } = await roomWithTwoClients()
    const { socket, opened } = raw()
    await opened
    const code = closeCode(socket)
    socket.send(frame)
    expect(await code).toBe(CloseCode.MalformedMessage)
    await stillWorks(a, b, 'after-bad-frame')
  })

  it('a text frame closes with 4400', async () => {
    const { a, b, raw } = await roomWithTwoClients()
    const { socket, opened } = raw()
    await opened
    const code = closeCode(socket)
    socket.send('{"hello": "json"}')
    expect(await code).toBe(CloseCode.MalformedMessage)
    await stillWorks(a, b, 'after-text')
  })

  it('a message over the size limit closes with 1009', async () => {
    const { a, b, raw } = await roomWithTwoClients({ maxMessageBytes: 1024 })
    const { socket, opened } = raw()
    await opened
    const code = closeCode(socket)
    socket.send(encodeUpdate(new Uint8Array(4096)))
    expect(await code).toBe(CloseCode.MessageTooBig)
    await stillWorks(a, b, 'after-oversize')
  })

  it('refuses a board id that is not URL-safe', async () => {
    const running = await server()
    const { owner } = await ownedBoard(running)
    const { opened } = openRawSocket(running.port, `${'x'.repeat(65)}`, { cookie: owner.cookie })
    await expect(opened).rejects.toThrow('refused with 404')
  })
})

describe('stopping the server', () => {
  it('a graceful stop closes sockets with 1012 and keeps every update', async () => {
    const dataDir = tempDir()
    cleanup(() => removeDir(dataDir))
    const first: RunningServer & { config: { allowedOrigins: string[] } } = await startTestServer({ dataDir })
    const { owner, boardId } = await ownedBoard(first)
    const a = client(first, boardId, owner.cookie)
    await waitForSync(a)
    const closed = new Promise<number>((resolve) =>
      a.provider.once('connection-close', (event: CloseEvent | null) => resolve(event?.code ?? 0)),
    )
    for (let i = 0; i < 50; i++) cards(a).set(`k${i}`, 'v')
    await waitFor(() => first.sync.peekRoom(boardId)?.doc.getMap('records').size === 50)
    await first.close()
    expect(await closed).toBe(CloseCode.ServiceRestart)
    a.provider.disconnect()

    const second = await server({ dataDir })
    const b = client(second, boardId, owner.cookie)
    await waitFor(() => cards(b).size === 50, { message: 'every update after the restart' })
  })

  it('kill -9 after a relay loses nothing', async () => {
    const dataDir = tempDir()
    cleanup(() => removeDir(dataDir))
    const first = await spawnServer({ DATA_DIR: dataDir })
    cleanup(() => first.child.kill('SIGKILL'))
    const { owner, boardId } = await ownedBoard(first)
    const writer = client(first, boardId, owner.cookie)
    const reader = client(first, boardId, owner.cookie)
    await Promise.all([waitForSync(writer), waitForSync(reader)])
    for (let i = 0; i < 200; i++) {
      cards(writer).set(`card-${i}`, `v${i}`)
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    // Once the reader has it, the server has relayed it: from here it must survive a crash.
    await waitFor(() => cards(reader).size === 200, { message: 'the relay' })
    first.child.kill('SIGKILL')
    await exited(first.child)
    writer.provider.disconnect()
    reader.provider.disconnect()

    const second = await spawnServer({ DATA_DIR: dataDir })
    cleanup(() => second.child.kill('SIGKILL'))
    const fresh = client(second, boardId, owner.cookie)
    await waitFor(() => cards(fresh).size === 200, { message: 'the board after kill -9' })
    expect(cards(fresh).toJSON()).toEqual(cards(reader).toJSON())
  })

  it('SIGTERM flushes, closes sockets for reconnect and exits 0', async () => {
    const dataDir = tempDir()
    cleanup(() => removeDir(dataDir))
    const first = await spawnServer({ DATA_DIR: dataDir })
    const { owner, boardId } = await ownedBoard(first)
    const a = client(first, boardId, owner.cookie)
    await waitForSync(a)
    const closed = new Promise<number>((resolve) =>
      a.provider.once('connection-close', (event: CloseEvent | null) => resolve(event?.code ?? 0)),
    )
    cards(a).set('last', 'word')
    await new Promise((resolve) => setTimeout(resolve, 50))
    first.child.kill('SIGTERM')
    expect(await exited(first.child)).toBe(0)
    expect(await closed).toBe(CloseCode.ServiceRestart)
    a.provider.disconnect()

    const second = await spawnServer({ DATA_DIR: dataDir })
    cleanup(() => second.child.kill('SIGKILL'))
    const b = client(second, boardId, owner.cookie)
    await waitFor(() => cards(b).get('last') === 'word', { message: 'the last word after SIGTERM' })
  })
})

describe('presence lasts as long as its socket', () => {
  /** The awareness frames a client's socket receives from here on. */
  function awarenessHeard(c: TestClient): Uint8Array[] {
    const heard: Uint8Array[] = []
    const socket = c.provider.ws as unknown as {
      on(event: 'message', listener: (data: Buffer) => void): void
    }
    socket.on('message', (data) => {
      const frame = new Uint8Array(data)
      if (frame[0] === MessageType.Awareness) heard.push(frame)
    })
    return heard
  }

  it('sends a client alone on a board its presence renewals back, so its provider keeps the socket', async () => {
    const running = await server()
    const { owner, boardId } = await ownedBoard(running)
    const alone = client(running, boardId, owner.cookie)
    await waitForSync(alone)
    const heard = awarenessHeard(alone)
    const { awareness } = alone.provider

    // Its own changes it already has: they do not come back.
    awareness.setLocalState({ cursor: { x: 1, y: 1 } })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(heard).toHaveLength(0)

    // What y-protocols sends every 15 s; the stock provider closes a socket that hears nothing for 30.
    awareness.setLocalState(awareness.getLocalState())
    await waitFor(() => heard.length === 1, { message: 'the renewal to come back' })
    awareness.setLocalState({ cursor: { x: 2, y: 2 } })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(heard).toHaveLength(1)
  })

  it('asks for a presence about to lapse, so a client whose timers sleep stays present for everyone', async () => {
    const running = await server({ presenceRenewalMs: 200 })
    const { owner, boardId } = await ownedBoard(running)
    const watcher = client(running, boardId, owner.cookie)
    const sleeper = client(running, boardId, owner.cookie)
    await Promise.all([waitForSync(watcher), waitForSync(sleeper)])
    // A background tab: y-protocols' renewal timer does not run; a message still wakes the page, and
    // Refinery's client answers the server's "who is here?" with its presence renewed.
    const { awareness } = sleeper.provider
    clearInterval(awareness._checkInterval)
    let asked = 0
    sleeper.provider.messageHandlers[MessageType.QueryAwareness] = () => {
      asked++
      awareness.setLocalState(awareness.getLocalState())
    }
    awareness.setLocalState({ cursor: { x: 1, y: 1 } })
    const seen = () => watcher.provider.awareness.meta.get(sleeper.doc.clientID)
    await waitFor(() => seen() !== undefined, { message: 'the presence to arrive' })
    const first = seen()?.clock ?? 0

    await waitFor(() => asked >= 3, { message: 'the server to ask three times' })
    expect(seen()?.clock).toBeGreaterThanOrEqual(first + 2)
    // Renewed on the server and at the watcher within the renewal age, far inside y-protocols' 30 s.
    expect(Date.now() - (seen()?.lastUpdated ?? 0)).toBeLessThan(600)
    const room = running.sync.peekRoom(boardId)
    expect(Date.now() - (room?.awareness.meta.get(sleeper.doc.clientID)?.lastUpdated ?? 0)).toBeLessThan(600)
  })
})
