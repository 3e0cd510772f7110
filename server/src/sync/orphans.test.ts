import {
  type DocumentRecord,
  defaultStoryCardProps,
  getRecords,
  putRecord,
  readRecords,
} from '@refinery/shared'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  api,
  cleanupAfterEach,
  connectClient,
  createBoard,
  removeDir,
  signUp,
  startTestServer,
  type TestClient,
  tempDir,
  waitFor,
  waitForSync,
} from '../../test/helpers'

const cleanup = cleanupAfterEach()

const page = { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} }

function shape(id: string, parentId: string, x: number, y: number, extra: object = {}): DocumentRecord {
  return {
    id,
    typeName: 'shape',
    type: 'frame',
    parentId,
    x,
    y,
    rotation: 0,
    index: 'a1',
    isLocked: false,
    opacity: 1,
    props: { w: 400, h: 300, name: '' },
    meta: {},
    ...extra,
  }
}

function card(id: string, parentId: string, x: number, y: number, title: string): DocumentRecord {
  return shape(id, parentId, x, y, {
    type: 'story-card',
    props: { ...defaultStoryCardProps(), w: 200, h: 120, title },
  })
}

function put(client: TestClient, ...records: DocumentRecord[]): void {
  client.doc.transact(() => {
    for (const record of records) putRecord(getRecords(client.doc), record)
  })
}

const record = (client: TestClient, id: string) => readRecords(client.doc).find((r) => r.id === id)

async function workshop() {
  const running = await startTestServer()
  cleanup(() => running.close())
  const owner = await signUp(running.port)
  const boardId = await createBoard(running.port, owner.cookie)
  const join = () => {
    const c = connectClient(running.port, boardId, { cookie: owner.cookie })
    cleanup(() => c.destroy())
    return c
  }
  // Two people with the board open and synced.
  const alice = join()
  const bob = join()
  await Promise.all([waitForSync(alice), waitForSync(bob)])
  return { running, owner, boardId, join, alice, bob }
}

describe('a card added into a frame someone deleted meanwhile', () => {
  it('is put back on the page at the page position it had, for everyone, and counted once', async () => {
    const { running, owner, boardId, join, alice, bob } = await workshop()
    put(
      alice,
      page,
      shape('shape:frame', 'page:page', 300, 200),
      card('shape:a', 'shape:frame', 10, 10, 'Kept'),
    )
    await waitFor(() => record(bob, 'shape:a') !== undefined, { message: 'Bob to see the frame' })

    // Bob, offline, adds a card into the frame; Alice deletes the frame and what she sees in it.
    bob.provider.disconnect()
    put(bob, card('shape:b', 'shape:frame', 40, 60, 'Added offline'))
    getRecords(alice.doc).delete('shape:frame')
    getRecords(alice.doc).delete('shape:a')
    await waitFor(() => running.sync.peekRoom(boardId)?.doc.getMap('records').has('shape:frame') === false)
    bob.provider.connect()

    const putBack = { parentId: 'page:page', x: 340, y: 260, rotation: 0 }
    for (const client of [alice, bob]) {
      await waitFor(() => record(client, 'shape:b')?.parentId === 'page:page', {
        message: 'the card to be back on the page',
      })
      expect(record(client, 'shape:b')).toMatchObject({ ...putBack, props: { title: 'Added offline' } })
    }
    const late = join()
    await waitForSync(late)
    expect(record(late, 'shape:b')).toMatchObject(putBack)

    const backlog = await api(running.port, `/api/boards/${boardId}/backlog`, { cookie: owner.cookie })
    expect(backlog.body.items.map((item: { title: string }) => item.title)).toEqual(['Added offline'])
  })

  it('nested frames deleted at once: the card comes back where it was on the page', async () => {
    const { alice, bob } = await workshop()
    put(
      alice,
      page,
      shape('shape:outer', 'page:page', 1000, 0),
      shape('shape:inner', 'shape:outer', 100, 50, { rotation: Math.PI }),
    )
    await waitFor(() => record(bob, 'shape:inner') !== undefined)
    bob.provider.disconnect()
    put(bob, card('shape:b', 'shape:inner', 10, 20, 'Deep'))
    alice.doc.transact(() => {
      getRecords(alice.doc).delete('shape:outer')
      getRecords(alice.doc).delete('shape:inner')
    })
    bob.provider.connect()
    await waitFor(() => record(alice, 'shape:b')?.parentId === 'page:page', { message: 'the card back' })
    const back = record(alice, 'shape:b') as DocumentRecord & { x: number; y: number; rotation: number }
    // The inner frame is turned half a circle: its (10, 20) is (-10, -20) on the page, from (1100, 50).
    expect(back.x).toBeCloseTo(1090)
    expect(back.y).toBeCloseTo(30)
    expect(back.rotation).toBeCloseTo(Math.PI)
  })
})

describe('a board stored with a shape whose parent is gone', () => {
  it('opens with the shape on its page, and keeps it there', async () => {
    const dataDir = tempDir()
    cleanup(() => removeDir(dataDir))
    const first = await startTestServer({ dataDir })
    const owner = await signUp(first.port)
    const boardId = await createBoard(first.port, owner.cookie)
    // As an older server stored it: a card under a frame that is no longer there.
    const doc = new Y.Doc()
    doc.transact(() => {
      putRecord(getRecords(doc), page)
      putRecord(getRecords(doc), card('shape:lost', 'shape:gone', 120, 80, 'Lost'))
    })
    await first.store.appendUpdates([{ boardId, update: Y.encodeStateAsUpdate(doc) }])
    const seen = connectClient(first.port, boardId, { cookie: owner.cookie })
    await waitForSync(seen)
    await waitFor(() => record(seen, 'shape:lost')?.parentId === 'page:page', { message: 'the card back' })
    expect(record(seen, 'shape:lost')).toMatchObject({ x: 120, y: 80 })
    seen.destroy()
    await first.close()

    // The repair was stored: the board reopens with it, on a server that changes nothing more.
    const stored = await startTestServer({
      dataDir,
      port: first.port,
      allowedOrigins: first.config.allowedOrigins,
    })
    cleanup(() => stored.close())
    const loaded = await stored.store.loadDocument(boardId)
    const again = new Y.Doc()
    for (const update of [loaded.snapshot, ...loaded.updates]) if (update) Y.applyUpdate(again, update)
    expect(readRecords(again).find((r) => r.id === 'shape:lost')).toMatchObject({
      parentId: 'page:page',
      x: 120,
    })
  })
})
