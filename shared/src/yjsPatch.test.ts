import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'

// patches/yjs@13.6.33.patch decodes a content of one value (every field of a record) into an array
// literal, sized to fit. These check that what Yjs decodes is still what it encoded, one value or many.
describe('Yjs, as patched', () => {
  // lib0 writes a decoded object's keys by assignment, so a "__proto__" key never comes back (with or
  // without the patch); Refinery's records have none.
  const value = fc
    .jsonValue({ maxDepth: 3 })
    .filter((json) => json !== null && json !== undefined && !JSON.stringify(json).includes('"__proto__"'))

  it('decodes a record’s fields, one value each, as they were written (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value, { maxKeys: 12 }),
        (fields) => {
          const doc = new Y.Doc()
          const record = doc.getMap('records').set('shape:a', new Y.Map())
          for (const [key, field] of Object.entries(fields)) record.set(key, field)
          const copy = new Y.Doc()
          Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
          expect(copy.getMap('records').toJSON()).toEqual(doc.getMap('records').toJSON())
        },
      ),
      { numRuns: 300 },
    )
  })

  it('decodes contents of many values, and contents split and merged, as they were written (property)', () => {
    const edit = fc.oneof(
      fc.record({ insert: fc.array(value, { minLength: 1, maxLength: 6 }), at: fc.nat() }),
      fc.record({ remove: fc.nat({ max: 3 }), at: fc.nat() }),
    )
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 20 }), (edits) => {
        const doc = new Y.Doc()
        const list = doc.getArray<unknown>('list')
        for (const step of edits) {
          const at = step.at % (list.length + 1)
          if ('insert' in step) list.insert(at, step.insert)
          else
            list.delete(Math.min(at, Math.max(0, list.length - 1)), Math.min(step.remove, list.length - at))
        }
        const copy = new Y.Doc()
        Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
        expect(copy.getArray('list').toJSON()).toEqual(list.toJSON())
        // And on to a third document, from the decoded one: its contents encode as they decoded.
        const third = new Y.Doc()
        Y.applyUpdate(third, Y.encodeStateAsUpdate(copy))
        expect(third.getArray('list').toJSON()).toEqual(list.toJSON())
      }),
      { numRuns: 300 },
    )
  })
})
