import { getRecords, putRecord, TEXT_LAYOUT } from '@refinery/shared'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { Storage } from './types'

function updateSetting(doc: Y.Doc, key: string, value: unknown): Uint8Array {
  let captured: Uint8Array | null = null
  const capture = (update: Uint8Array) => {
    captured = update
  }
  doc.on('update', capture)
  doc.getMap('records').set(key, value)
  doc.off('update', capture)
  if (!captured) throw new Error('no update')
  return captured
}

function contentOf(stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }): unknown {
  const doc = new Y.Doc()
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
  for (const update of stored.updates) Y.applyUpdate(doc, update)
  return doc.getMap('records').toJSON()
}

/** The behaviour every DocumentStore must have, run against each engine. */
export function describeDocumentStore(engine: string, open: () => Promise<Storage>): void {
  describe(`DocumentStore on ${engine}`, () => {
    let store: Storage
    beforeEach(async () => {
      store = await open()
    })
    afterEach(async () => {
      await store.close()
    })

    it('loads an unknown board as empty', async () => {
      expect(await store.loadDocument('nothing-here')).toEqual({
        snapshot: null,
        snapshotStateVector: null,
        snapshotTextLayout: null,
        updates: [],
      })
    })

    it('appends a batch across boards and loads each board in order', async () => {
      const a = new Y.Doc()
      const b = new Y.Doc()
      const a1 = updateSetting(a, 'x', 1)
      const b1 = updateSetting(b, 'y', 2)
      const a2 = updateSetting(a, 'x', 3)
      await store.appendUpdates([
        { boardId: 'a', update: a1 },
        { boardId: 'b', update: b1 },
      ])
      await store.appendUpdates([{ boardId: 'a', update: a2 }])
      const loaded = await store.loadDocument('a')
      expect(loaded.updates.map((u) => [...u])).toEqual([[...a1], [...a2]])
      expect(contentOf(loaded)).toEqual({ x: 3 })
      expect(contentOf(await store.loadDocument('b'))).toEqual({ y: 2 })
    })

    it('compaction keeps the content exactly and empties the log', async () => {
      const doc = new Y.Doc()
      const updates = Array.from({ length: 50 }, (_, i) =>
        updateSetting(doc, `k${i % 7}`, { i, text: 'x'.repeat(i) }),
      )
      await store.appendUpdates(updates.map((update) => ({ boardId: 'c', update })))
      const before = contentOf(await store.loadDocument('c'))
      await store.compactDocument('c')
      const after = await store.loadDocument('c')
      expect(after.updates).toEqual([])
      expect(after.snapshot).not.toBeNull()
      expect(contentOf(after)).toEqual(before)
      expect(contentOf(after)).toEqual(doc.getMap('records').toJSON())
      // The state vector is stored beside the snapshot, so loading needs no decoding to greet a client.
      expect([...(after.snapshotStateVector ?? [])]).toEqual([...Y.encodeStateVector(doc)])
      expect([...(after.snapshotStateVector ?? [])]).toEqual([
        ...Y.encodeStateVectorFromUpdate(after.snapshot as Uint8Array),
      ])
    })

    it('keeps with a snapshot whether its text fields are all in the text layout', async () => {
      const card = (title: unknown) => ({
        id: 'shape:card',
        typeName: 'shape',
        type: 'story-card',
        props: { w: 1, h: 1, title, asA: '', iWant: '', soThat: '', acceptance: [] },
      })
      const current = new Y.Doc()
      putRecord(getRecords(current), card('Text layout'))
      const old = new Y.Doc()
      old.transact(() => {
        putRecord(getRecords(old), card('Text layout'))
        // As a board stored before the text layout holds it.
        const props = getRecords(old).get('shape:card')?.get('props')
        if (props instanceof Y.Map) props.set('title', 'Plain')
      })
      await store.appendUpdates([
        { boardId: 'current', update: Y.encodeStateAsUpdate(current) },
        { boardId: 'old', update: Y.encodeStateAsUpdate(old) },
      ])
      await store.compactDocument('current')
      await store.compactDocument('old')
      expect((await store.loadDocument('current')).snapshotTextLayout).toBe(TEXT_LAYOUT)
      expect((await store.loadDocument('old')).snapshotTextLayout).toBe(1)
    })

    it('folds a snapshot whose text layout is unknown again, with nothing in the log', async () => {
      const doc = new Y.Doc()
      await store.appendUpdates([{ boardId: 'legacy', update: updateSetting(doc, 'a', 1) }])
      await store.compactDocument('legacy')
      // As a server that did not keep the layout folded it.
      await store.sql.run('UPDATE document_snapshots SET text_layout = NULL WHERE board_id = ?', ['legacy'])
      expect((await store.loadDocument('legacy')).snapshotTextLayout).toBeNull()
      await store.compactDocument('legacy')
      const folded = await store.loadDocument('legacy')
      expect(folded.snapshotTextLayout).toBe(TEXT_LAYOUT)
      expect(contentOf(folded)).toEqual({ a: 1 })
    })

    it('compacts onto an earlier snapshot, and later appends load on top', async () => {
      const doc = new Y.Doc()
      await store.appendUpdates([{ boardId: 'd', update: updateSetting(doc, 'a', 1) }])
      await store.compactDocument('d')
      await store.appendUpdates([{ boardId: 'd', update: updateSetting(doc, 'b', 2) }])
      await store.compactDocument('d')
      await store.appendUpdates([{ boardId: 'd', update: updateSetting(doc, 'c', 3) }])
      const loaded = await store.loadDocument('d')
      expect(loaded.updates).toHaveLength(1)
      expect(contentOf(loaded)).toEqual({ a: 1, b: 2, c: 3 })
    })

    it('an update stored while the log is being folded stays in the log', async () => {
      const doc = new Y.Doc()
      await store.appendUpdates([{ boardId: 'g', update: updateSetting(doc, 'a', 1) }])
      // The fold runs on another thread: the append lands while it is under way.
      const compaction = store.compactDocument('g')
      await store.appendUpdates([{ boardId: 'g', update: updateSetting(doc, 'b', 2) }])
      await compaction
      const loaded = await store.loadDocument('g')
      expect(loaded.snapshot).not.toBeNull()
      expect(loaded.updates).toHaveLength(1)
      expect(contentOf(loaded)).toEqual({ a: 1, b: 2 })
    })

    it('two compactions of one board at once keep every update', async () => {
      const doc = new Y.Doc()
      const updates = Array.from({ length: 20 }, (_, i) => updateSetting(doc, `k${i}`, i))
      await store.appendUpdates(updates.map((update) => ({ boardId: 'h', update })))
      await Promise.all([store.compactDocument('h'), store.compactDocument('h')])
      const loaded = await store.loadDocument('h')
      expect(loaded.updates).toEqual([])
      expect(contentOf(loaded)).toEqual(doc.getMap('records').toJSON())
    })

    it('a board deleted while its log is being folded stays deleted', async () => {
      const doc = new Y.Doc()
      await store.appendUpdates([{ boardId: 'i', update: updateSetting(doc, 'a', 1) }])
      const compaction = store.compactDocument('i')
      // As deleting the board does.
      await store.sql.transaction(async (tx) => {
        await tx.run('DELETE FROM document_updates WHERE board_id = ?', ['i'])
        await tx.run('DELETE FROM document_snapshots WHERE board_id = ?', ['i'])
      })
      await compaction
      const loaded = await store.loadDocument('i')
      expect(loaded.snapshot).toBeNull()
      expect(loaded.updates).toEqual([])
    })

    it('compacting a board leaves other boards alone', async () => {
      const doc = new Y.Doc()
      await store.appendUpdates([
        { boardId: 'e', update: updateSetting(doc, 'a', 1) },
        { boardId: 'f', update: updateSetting(new Y.Doc(), 'b', 2) },
      ])
      await store.compactDocument('e')
      expect((await store.loadDocument('f')).updates).toHaveLength(1)
    })
  })
}
