import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { foldWith } from './compaction'
import { FoldWorker } from './foldWorker'

function editsOf(doc: Y.Doc, edit: (records: Y.Map<unknown>) => void): Uint8Array[] {
  const updates: Uint8Array[] = []
  const collect = (update: Uint8Array) => updates.push(update)
  doc.on('update', collect)
  edit(doc.getMap('records'))
  doc.off('update', collect)
  return updates
}

describe('FoldWorker', () => {
  let worker: FoldWorker
  afterEach(async () => {
    await worker.close()
  })

  it('folds on its thread exactly as foldWith does in this one, dropping deleted content', async () => {
    worker = new FoldWorker()
    const doc = new Y.Doc()
    const first = editsOf(doc, (records) => {
      for (let i = 0; i < 50; i++) records.set(`card-${i}`, { title: `card ${i}` })
    })
    const snapshot = Y.mergeUpdates(first)
    const later = editsOf(doc, (records) => {
      for (let i = 0; i < 50; i += 2) records.delete(`card-${i}`)
      records.set('card-1', { title: 'renamed' })
    })
    const folded = await worker.fold(snapshot, later)
    expect(folded).toEqual(foldWith(Y, snapshot, later))
    const loaded = new Y.Doc()
    Y.applyUpdate(loaded, folded.state)
    expect(loaded.getMap('records').toJSON()).toEqual(doc.getMap('records').toJSON())
    expect([...folded.stateVector]).toEqual([...Y.encodeStateVector(doc)])
    // Garbage-collected: smaller than the snapshot and the log together.
    const logged = later.reduce((sum, update) => sum + update.byteLength, snapshot.byteLength)
    expect(folded.state.byteLength).toBeLessThan(logged)
  })

  it('rejects a log that does not decode, and folds the next one', async () => {
    worker = new FoldWorker()
    await expect(worker.fold(null, [new Uint8Array([0xff, 0xff, 0xff])])).rejects.toThrow(
      /folding the update log failed/,
    )
    const doc = new Y.Doc()
    const updates = editsOf(doc, (records) => records.set('kept', 'yes'))
    const folded = await worker.fold(null, updates)
    const loaded = new Y.Doc()
    Y.applyUpdate(loaded, folded.state)
    expect(loaded.getMap('records').toJSON()).toEqual({ kept: 'yes' })
  })

  it('fails the folds under way when it is closed, and refuses new ones', async () => {
    worker = new FoldWorker()
    const doc = new Y.Doc()
    const updates = editsOf(doc, (records) => {
      for (let i = 0; i < 2000; i++) records.set(`card-${i}`, i)
    })
    const under = worker.fold(null, updates)
    await worker.close()
    await expect(under).rejects.toThrow(/fold worker/)
    await expect(worker.fold(null, updates)).rejects.toThrow(/closed/)
  })
})
