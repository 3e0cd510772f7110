import { defaultStoryCardProps, getRecords, putRecord } from '@refinery/shared'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  api,
  cleanupAfterEach,
  connectClient,
  createBoard,
  signUp,
  startTestServer,
  waitFor,
  waitForSync,
} from '../../test/helpers'

const cleanup = cleanupAfterEach()

const CARD = 'shape:card'

/** A board document as a server before the text layout stored it: every text field a plain string. */
function oldBoard(): Uint8Array {
  const doc = new Y.Doc()
  doc.transact(() => {
    const records = getRecords(doc)
    putRecord(records, { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} })
    putRecord(records, {
      id: CARD,
      typeName: 'shape',
      type: 'story-card',
      parentId: 'page:page',
      x: 0,
      y: 0,
      rotation: 0,
      index: 'a1',
      isLocked: false,
      opacity: 1,
      meta: {},
      props: { ...defaultStoryCardProps(), estimate: 3, moscow: 'must' },
    })
    const props = records.get(CARD)?.get('props') as Y.Map<unknown>
    props.set('title', 'Save my card')
    props.set('asA', 'returning shopper')
    props.set('acceptance', ['Given a saved card', 'When I pay'])
  })
  return Y.encodeStateAsUpdate(doc)
}

async function boardStoredBefore(fold: 'log' | 'snapshot of an older fold') {
  const running = await startTestServer()
  cleanup(() => running.close())
  const owner = await signUp(running.port)
  const boardId = await createBoard(running.port, owner.cookie)
  await running.store.appendUpdates([{ boardId, update: oldBoard() }])
  if (fold !== 'log') {
    await running.store.compactDocument(boardId)
    // Folded by a server that did not keep the layout.
    await running.store.sql.run('UPDATE document_snapshots SET text_layout = NULL WHERE board_id = ?', [
      boardId,
    ])
  }
  return { running, owner, boardId }
}

describe('a board stored before the text layout', () => {
  for (const fold of ['log', 'snapshot of an older fold'] as const) {
    it(`reaches its first client with every text field a Y.Text (${fold})`, async () => {
      const { running, owner, boardId } = await boardStoredBefore(fold)
      const client = connectClient(running.port, boardId, { cookie: owner.cookie })
      cleanup(() => client.destroy())
      // What the client holds once synced is all it was sent: no plain string ever reached it.
      const seen: unknown[] = []
      client.doc.on('update', () => {
        const title = getRecords(client.doc).get(CARD)?.get('props')
        if (title instanceof Y.Map) seen.push(title.get('title'))
      })
      await waitForSync(client)
      const props = getRecords(client.doc).get(CARD)?.get('props') as Y.Map<unknown>
      expect(props.get('title')).toBeInstanceOf(Y.Text)
      expect(props.get('asA')).toBeInstanceOf(Y.Text)
      expect(String(props.get('title'))).toBe('Save my card')
      const acceptance = props.get('acceptance') as Y.Array<unknown>
      expect(acceptance.toArray().every((entry) => entry instanceof Y.Text)).toBe(true)
      expect(acceptance.toJSON()).toEqual(['Given a saved card', 'When I pay'])
      expect(seen.every((value) => value instanceof Y.Text)).toBe(true)

      const backlog = await api(running.port, `/api/boards/${boardId}/backlog`, { cookie: owner.cookie })
      expect(backlog.body.items[0]).toMatchObject({
        title: 'Save my card',
        story: expect.stringContaining('returning shopper'),
        acceptance: ['Given a saved card', 'When I pay'],
      })
    })
  }

  it('is converted once: the fold after marks it, and the next load answers from the snapshot', async () => {
    const { running, owner, boardId } = await boardStoredBefore('log')
    const client = connectClient(running.port, boardId, { cookie: owner.cookie })
    await waitForSync(client)
    client.destroy()
    // The conversion is stored as the server's own update, after the old board's.
    await waitFor(async () => (await running.store.loadDocument(boardId)).updates.length === 2)
    await running.store.compactDocument(boardId)
    const stored = await running.store.loadDocument(boardId)
    expect(stored.snapshotTextLayout).toBe(2)
  })

  it('with nothing to convert, is folded once to learn so, and loads from its bytes after', async () => {
    const running = await startTestServer({ roomIdleMs: 50 })
    cleanup(() => running.close())
    const owner = await signUp(running.port)
    const boardId = await createBoard(running.port, owner.cookie)
    const doc = new Y.Doc()
    putRecord(getRecords(doc), { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} })
    await running.store.appendUpdates([{ boardId, update: Y.encodeStateAsUpdate(doc) }])
    await running.store.compactDocument(boardId)
    await running.store.sql.run('UPDATE document_snapshots SET text_layout = NULL WHERE board_id = ?', [
      boardId,
    ])

    const client = connectClient(running.port, boardId, { cookie: owner.cookie })
    await waitForSync(client)
    client.destroy()
    await waitFor(async () => (await running.store.loadDocument(boardId)).snapshotTextLayout === 2, {
      message: 'the snapshot to be folded with its layout',
    })
  })
})
