import { FACILITATION_KEY, getRecords, LOCKS_KEY, lockedShapesOf, putRecord } from '@refinery/shared'
import { cardAt, page, slice, step, writeRecords } from '@refinery/shared/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { setLocks } from './locks'

const SHAPES = ['shape:sign-up', 'shape:pay', 'shape:mvp', 'shape:a', 'shape:b', 'shape:c']

/** A board with journey steps, a slice and cards, as every instance loads it from the store. */
function storedBoard(): Uint8Array {
  const doc = new Y.Doc()
  writeRecords(doc, [
    page,
    step('sign-up', 0, 'Sign up'),
    step('pay', 300, 'Pay'),
    slice('mvp', 0, 'MVP'),
    cardAt('a', 120, 75),
    cardAt('b', 420, 75),
    cardAt('c', 120, 300),
  ])
  return Y.encodeStateAsUpdate(doc)
}

/** One server instance's copy of the board: its own client id, as each process has. */
function instance(board: Uint8Array): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, board)
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  return { doc, updates }
}

/** The server's change, as `SyncServer.change` makes it: one transaction. */
function lock(doc: Y.Doc, ids: string[]): void {
  doc.transact(() => expect(setLocks(doc, ids, true)).not.toBeNull())
}

describe('locks made on several instances at once', () => {
  it('two instances that lock a board’s first shapes at the same moment keep both locks', () => {
    const board = storedBoard()
    const a = instance(board)
    const b = instance(board)
    lock(a.doc, ['shape:sign-up'])
    lock(b.doc, ['shape:pay'])
    for (const update of b.updates) Y.applyUpdate(a.doc, update)
    for (const update of a.updates) Y.applyUpdate(b.doc, update)
    expect(lockedShapesOf(a.doc)).toEqual(['shape:pay', 'shape:sign-up'])
    expect(lockedShapesOf(b.doc)).toEqual(['shape:pay', 'shape:sign-up'])
  })

  it('any split of locks over three instances, merged in any order, ends as their union on each', () => {
    const change = fc.record({
      at: fc.integer({ min: 0, max: 2 }),
      ids: fc.subarray(SHAPES, { minLength: 1 }),
    })
    fc.assert(
      fc.property(
        fc.array(change, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (changes, order) => {
          const board = storedBoard()
          const instances = [instance(board), instance(board), instance(board)]
          // Each instance only sees its own changes until the merge: the widest race there is.
          const expected = instances.map(() => new Set<string>())
          for (const { at, ids } of changes) {
            lock((instances[at] as (typeof instances)[number]).doc, ids)
            for (const id of ids) expected[at]?.add(id)
          }
          // Every update reaches every other instance, in an order the case picks.
          const deliveries = instances.flatMap((from, i) =>
            instances.flatMap((_to, j) => (i === j ? [] : from.updates.map((update) => ({ update, j })))),
          )
          for (const n of order) {
            if (deliveries.length === 0) break
            const [next] = deliveries.splice(n % deliveries.length, 1)
            if (next) Y.applyUpdate((instances[next.j] as (typeof instances)[number]).doc, next.update)
          }
          for (const { update, j } of deliveries)
            Y.applyUpdate((instances[j] as (typeof instances)[number]).doc, update)
          const union = [...new Set(expected.flatMap((ids) => [...ids]))].sort()
          for (const { doc } of instances) {
            expect(lockedShapesOf(doc)).toEqual(union)
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('a client that wrote under the locks map’s client id does not stop the board being locked', () => {
    const board = storedBoard()
    const { doc } = instance(board)
    const squatter = new Y.Doc()
    squatter.clientID = 0x4c4f434b
    Y.applyUpdate(squatter, board)
    putRecord(getRecords(squatter), cardAt('squat', 0, 0))
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(squatter, Y.encodeStateVector(doc)))
    lock(doc, ['shape:pay'])
    expect(lockedShapesOf(doc)).toEqual(['shape:pay'])
    expect(doc.getMap(FACILITATION_KEY).get(LOCKS_KEY)).toBeInstanceOf(Y.Map)
  })
})
