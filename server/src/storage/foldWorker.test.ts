import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { craft, item } from '../../test/craftedUpdates'
import { buildStoredDocument, foldWith } from './compaction'
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

  it('leaves out records that do not decode or do not apply, and folds the rest', async () => {
    worker = new FoldWorker()
    const doc = new Y.Doc()
    const [before] = editsOf(doc, (records) => records.set('before', 'kept'))
    const [after] = editsOf(doc, (records) => records.set('after', 'kept'))
    // An item that refers to a later change of its own client: Yjs throws on it, halfway.
    const poison = craft([
      { client: 4545, clock: 0, items: [item([4545, 0], { origin: Y.createID(4545, 2) })] },
    ])
    const garbage = new Uint8Array([0xff, 0xff, 0xff])
    const log = [before, garbage, poison, after] as Uint8Array[]
    const folded = await worker.fold(null, log)
    expect(folded).toEqual(foldWith(Y, null, log))
    const loaded = new Y.Doc()
    Y.applyUpdate(loaded, folded.state)
    expect(loaded.getMap('records').toJSON()).toEqual({ before: 'kept', after: 'kept' })
    expect(loaded.store.clients.has(4545)).toBe(false)
  })

  it('ends its thread once no fold has come for a while, and starts another for the next', async () => {
    worker = new FoldWorker(50)
    const doc = new Y.Doc()
    const first = editsOf(doc, (records) => records.set('a', 1))
    await worker.fold(null, first)
    expect(worker.running).toBe(true)
    const second = editsOf(doc, (records) => records.set('b', 2))
    const folded = await worker.fold(null, [...first, ...second])
    expect(worker.running).toBe(true)
    await expect.poll(() => worker.running, { timeout: 2000, interval: 10 }).toBe(false)
    const third = editsOf(doc, (records) => records.set('c', 3))
    expect(await worker.fold(folded.state, third)).toEqual(foldWith(Y, folded.state, third))
    expect(worker.running).toBe(true)
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

describe('buildStoredDocument', () => {
  it('leaves out an update that would land later through the pending store, as a forged vote did', () => {
    const server = new Y.Doc()
    const [vote] = editsOf(server, () => server.getMap('votes').set('card|u1', 1))
    // The attacker's overwrite of the server's next vote, stored before the vote itself.
    const future = new Y.Doc()
    Y.applyUpdate(future, vote as Uint8Array)
    // Set after: Yjs gives a document a new id when a remote update uses its own.
    future.clientID = server.clientID
    const [nextVote] = editsOf(future, () => future.getMap('votes').set('card|u2', 1))
    const attacker = new Y.Doc()
    Y.applyUpdate(attacker, Y.encodeStateAsUpdate(future))
    attacker.getMap('votes').set('card|u2', 99)
    const overwrite = Y.encodeStateAsUpdate(attacker, Y.encodeStateVector(future))
    const { doc, skipped } = buildStoredDocument(Y, [vote, overwrite, nextVote] as Uint8Array[])
    expect(skipped).toBe(1)
    expect(doc.getMap('votes').toJSON()).toEqual({ 'card|u1': 1, 'card|u2': 1 })
  })
})
