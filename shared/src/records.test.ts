import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  type DocumentRecord,
  getRecords,
  putRecord,
  readRecords,
  recordToYMap,
  yMapToRecord,
} from './records'

const card = {
  id: 'shape:a',
  typeName: 'shape',
  type: 'geo',
  x: 10,
  y: 20,
  rotation: 0,
  parentId: 'page:page',
  index: 'a1',
  isLocked: false,
  opacity: 1,
  props: { w: 100, h: 50, geo: 'rectangle', labels: ['x', 'y'] } as Record<string, unknown>,
  meta: {},
} satisfies DocumentRecord

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)))
}

describe('record ↔ Y.Map', () => {
  it('round-trips a record, with props and meta as nested maps', () => {
    const doc = new Y.Doc()
    getRecords(doc).set(card.id, recordToYMap(card))
    const map = getRecords(doc).get(card.id)
    expect(map?.get('props')).toBeInstanceOf(Y.Map)
    expect(map?.get('meta')).toBeInstanceOf(Y.Map)
    expect(yMapToRecord(map as Y.Map<unknown>)).toEqual(card)
  })

  it('keeps both of two concurrent edits to different fields of one record', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    putRecord(getRecords(a), card)
    sync(a, b)

    putRecord(getRecords(a), { ...card, x: 500 })
    putRecord(getRecords(b), { ...card, props: { ...card.props, labels: ['renamed'] } })
    sync(a, b)

    for (const doc of [a, b]) {
      const [merged] = readRecords(doc)
      expect(merged?.x).toBe(500)
      expect((merged?.props as { labels: string[] } | undefined)?.labels).toEqual(['renamed'])
    }
  })

  it('keeps concurrent edits to different props keys of one record', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    putRecord(getRecords(a), card)
    sync(a, b)
    putRecord(getRecords(a), { ...card, props: { ...card.props, w: 300 } })
    putRecord(getRecords(b), { ...card, props: { ...card.props, h: 80 } })
    sync(a, b)
    const props = readRecords(b)[0]?.props as { w: number; h: number }
    expect(props).toMatchObject({ w: 300, h: 80 })
  })

  it('writes only the fields that changed', () => {
    const doc = new Y.Doc()
    putRecord(getRecords(doc), card)
    const changed: string[] = []
    getRecords(doc).observeDeep((events) => {
      for (const event of events) for (const key of event.keys.keys()) changed.push(key)
    })
    putRecord(getRecords(doc), { ...card, props: { ...card.props, w: 1 } })
    expect(changed).toEqual(['w'])
  })

  it('writes x, y and rotation together when one of them changes', () => {
    const doc = new Y.Doc()
    putRecord(getRecords(doc), card)
    const changed: string[] = []
    getRecords(doc).observeDeep((events) => {
      for (const event of events) for (const key of event.keys.keys()) changed.push(key)
    })
    putRecord(getRecords(doc), { ...card, y: 99 })
    expect(changed.sort()).toEqual(['rotation', 'x', 'y'])
  })

  it('removes fields and props keys that the new record no longer has', () => {
    const doc = new Y.Doc()
    putRecord(getRecords(doc), { ...card, extra: 1 })
    const { extra: _extra, ...rest } = { ...card, extra: 1 }
    const { labels: _labels, ...props } = card.props as Record<string, unknown>
    putRecord(getRecords(doc), { ...rest, props })
    expect(readRecords(doc)[0]).toEqual({ ...card, props })
  })

  it('a delete wins over a concurrent field edit, on both sides', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    putRecord(getRecords(a), card)
    sync(a, b)
    getRecords(a).delete(card.id)
    putRecord(getRecords(b), { ...card, x: 1 })
    sync(a, b)
    expect(readRecords(a)).toEqual([])
    expect(readRecords(b)).toEqual([])
  })
})

describe('concurrent drags of one shape', () => {
  type Place = { x: number; y: number; rotation: number }
  const place = ({ x, y, rotation }: Place): Place => ({ x, y, rotation })
  const step = fc.oneof(
    fc.record({
      kind: fc.constant('move' as const),
      who: fc.nat(3),
      // Each coordinate is kept or changed: a horizontal drag changes only `x`.
      x: fc.option(fc.integer({ min: -500, max: 500 })),
      y: fc.option(fc.integer({ min: -500, max: 500 })),
      rotation: fc.option(fc.constantFrom(0.5, 1, 1.5)),
    }),
    fc.record({ kind: fc.constant('sync' as const), from: fc.nat(3), to: fc.nat(3) }),
  )

  it('leave it where one of them put it, never at one’s x and the other’s y', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 2, maxLength: 30 }), (steps) => {
        const docs = [0, 1, 2, 3].map(() => new Y.Doc())
        putRecord(getRecords(docs[0] as Y.Doc), card)
        for (const doc of docs.slice(1)) sync(docs[0] as Y.Doc, doc)
        // Every place someone left the shape at: the start, and each move as its author saw it.
        const placed = [place(card)]
        for (const s of steps) {
          if (s.kind === 'sync') {
            const from = docs[s.from] as Y.Doc
            const to = docs[s.to] as Y.Doc
            Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)))
            continue
          }
          const doc = docs[s.who] as Y.Doc
          const seen = readRecords(doc)[0] as DocumentRecord & Place
          const next = { ...seen, x: s.x ?? seen.x, y: s.y ?? seen.y, rotation: s.rotation ?? seen.rotation }
          putRecord(getRecords(doc), next)
          placed.push(place(next))
        }
        for (const a of docs) for (const b of docs) if (a !== b) sync(a, b)
        const ends = docs.map((doc) => place(readRecords(doc)[0] as DocumentRecord & Place))
        for (const end of ends) expect(end).toEqual(ends[0])
        expect(placed).toContainEqual(ends[0])
      }),
      { numRuns: 500 },
    )
  })
})
