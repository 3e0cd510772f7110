import { type DocumentRecord, defaultStoryCardProps, getRecords, putRecord } from '@refinery/shared'
import fc from 'fast-check'
import {
  createShapeId,
  HistoryManager,
  type IndexKey,
  PageRecordType,
  type TLGeoShape,
  type TLRecord,
  type TLShapeId,
  type TLStore,
  toRichText,
} from 'tldraw'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { createBoardStore } from '../board/boardStore'
import { type BindingOptions, bindStoreToYDoc, type StoreBinding } from './yjsStoreBinding'

const FIRST_PAGE_ID = PageRecordType.createId('page')

function rectangle(name: string, changes: Partial<TLGeoShape> = {}): TLGeoShape {
  return {
    id: createShapeId(name),
    typeName: 'shape',
    type: 'geo',
    parentId: FIRST_PAGE_ID,
    index: 'a1' as IndexKey,
    x: 0,
    y: 0,
    rotation: 0,
    isLocked: false,
    opacity: 1,
    meta: {},
    props: {
      w: 100,
      h: 100,
      geo: 'rectangle',
      dash: 'draw',
      growY: 0,
      url: '',
      scale: 1,
      flipX: false,
      flipY: false,
      color: 'black',
      labelColor: 'black',
      fill: 'none',
      size: 'm',
      font: 'draw',
      align: 'middle',
      verticalAlign: 'middle',
      richText: toRichText(''),
    },
    ...changes,
  }
}

function storyCard(name: string, title: string): TLRecord {
  return {
    ...rectangle(name),
    type: 'story-card',
    props: { ...defaultStoryCardProps(), title },
  } as unknown as TLRecord
}

/** What another client writes into the document for `record`. */
function writeRemotely(doc: Y.Doc, ...records: object[]): void {
  doc.transact(() => {
    for (const record of records) putRecord(getRecords(doc), record as DocumentRecord)
  })
}

function shape(store: TLStore, name: string): TLGeoShape | undefined {
  return store.get(createShapeId(name)) as TLGeoShape | undefined
}

/** Origin of updates that one test document hands to the other, so they are not handed back. */
const wire = { wire: true }

/** Two documents that pass every update to each other at once, like two clients of one server. */
function connect(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a), wire)
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b), wire)
  a.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== wire) Y.applyUpdate(b, update, wire)
  })
  b.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== wire) Y.applyUpdate(a, update, wire)
  })
}

interface Client {
  store: TLStore
  doc: Y.Doc
}

const bindings: StoreBinding[] = []

type BoundClient = Client & { binding: StoreBinding }

function boundClient(doc = new Y.Doc(), options: BindingOptions = {}): BoundClient {
  const store = createBoardStore()
  const binding = bindStoreToYDoc(store, doc, options)
  bindings.push(binding)
  return { store, doc, binding }
}

/** Two clients on one board: the first one seeds it, the second loads it. */
function twoClients(): [BoundClient, BoundClient] {
  const alice = boundClient()
  const bobDoc = new Y.Doc()
  connect(alice.doc, bobDoc)
  return [alice, boundClient(bobDoc)]
}

/**
 * Makes tldraw report store changes on animation frames, as in a browser, instead of at once as it
 * does under test; `release` runs the frames held so far and goes back to reporting at once.
 */
function holdFrames(): { release(): void } {
  const frames: FrameRequestCallback[] = []
  const flags = globalThis as { __FORCE_RAF_IN_TESTS__?: boolean }
  flags.__FORCE_RAF_IN_TESTS__ = true
  vi.stubGlobal('requestAnimationFrame', (frame: FrameRequestCallback) => frames.push(frame))
  vi.stubGlobal('cancelAnimationFrame', () => {})
  return {
    release() {
      for (let frame = frames.shift(); frame; frame = frames.shift()) frame(Date.now())
      delete flags.__FORCE_RAF_IN_TESTS__
      vi.unstubAllGlobals()
    },
  }
}

/** A scheduler that holds the binding's flushes until `run` (the board page waits for a frame). */
function heldFlushes() {
  const flushes: (() => void)[] = []
  return {
    schedule: (flush: () => void) => void flushes.push(flush),
    get held() {
      return flushes.length
    },
    run() {
      for (let flush = flushes.shift(); flush; flush = flushes.shift()) flush()
    },
  }
}

/** Alice binds at once; Bob's binding shows Alice's changes only when his held flushes run. */
function aliceAndBatchedBob() {
  const alice = boundClient()
  const bobDoc = new Y.Doc()
  connect(alice.doc, bobDoc)
  const frames = heldFlushes()
  const bob = boundClient(bobDoc, { schedule: frames.schedule })
  return { alice, bob, frames }
}

afterEach(() => {
  for (const binding of bindings.splice(0)) binding.stop()
  vi.restoreAllMocks()
})

describe('bindStoreToYDoc', () => {
  it('seeds an empty document with the first page and the document record', () => {
    const { doc } = boundClient()
    expect([...getRecords(doc).keys()].sort()).toEqual(['document:document', 'page:page'])
  })

  it('loads a document that has records, replacing the default page', () => {
    const source = boundClient()
    const other = PageRecordType.create({
      id: PageRecordType.createId('other'),
      name: 'Flow',
      index: 'a2' as IndexKey,
    })
    source.store.put([other])
    source.store.remove([FIRST_PAGE_ID])
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(source.doc))

    const { store } = boundClient(doc)
    expect(store.allRecords().filter((record) => record.typeName === 'page')).toEqual([other])
  })

  it('gives two clients that open one empty board at once a single page', () => {
    const alice = boundClient()
    const bob = boundClient()
    connect(alice.doc, bob.doc)

    for (const { store, doc } of [alice, bob]) {
      expect(store.allRecords().filter((record) => record.typeName === 'page')).toHaveLength(1)
      expect([...getRecords(doc).keys()].sort()).toEqual(['document:document', 'page:page'])
    }
  })

  it('converges two clients on creates, updates and deletes', () => {
    const [alice, bob] = twoClients()

    alice.store.put([rectangle('card')])
    expect(shape(bob.store, 'card')).toEqual(rectangle('card'))

    bob.store.update(createShapeId('card'), (record) => ({ ...record, x: 40, y: 60 }))
    expect(shape(alice.store, 'card')).toMatchObject({ x: 40, y: 60 })

    alice.store.remove([createShapeId('card')])
    expect(shape(bob.store, 'card')).toBeUndefined()
    expect(getRecords(bob.doc).has(createShapeId('card'))).toBe(false)
  })

  it('keeps both of two concurrent edits to different fields of one shape', () => {
    const alice = boundClient()
    const bobDoc = new Y.Doc()
    Y.applyUpdate(bobDoc, Y.encodeStateAsUpdate(alice.doc))
    const bob = boundClient(bobDoc)
    alice.store.put([rectangle('card')])
    Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(alice.doc))

    // Both edit while apart, then meet.
    alice.store.update(createShapeId('card'), (record) => ({ ...record, x: 300 }))
    bob.store.update(createShapeId('card'), (record) => {
      const card = record as TLGeoShape
      return { ...card, props: { ...card.props, color: 'red' } }
    })
    connect(alice.doc, bob.doc)

    for (const { store } of [alice, bob]) {
      expect(shape(store, 'card')).toMatchObject({ x: 300, props: { color: 'red' } })
    }
  })

  it('leaves a shape two people drag at once where one of them put it', () => {
    const alice = boundClient()
    const bobDoc = new Y.Doc()
    Y.applyUpdate(bobDoc, Y.encodeStateAsUpdate(alice.doc))
    const bob = boundClient(bobDoc)
    alice.store.put([rectangle('card', { x: 10, y: 10 })])
    Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(alice.doc))

    // Alice drags it sideways, Bob drags it down, both while apart.
    alice.store.update(createShapeId('card'), (record) => ({ ...record, x: 300 }))
    bob.store.update(createShapeId('card'), (record) => ({ ...record, y: 400 }))
    connect(alice.doc, bob.doc)

    const ends = [alice, bob].map(({ store }) => {
      const { x, y } = shape(store, 'card') as TLGeoShape
      return { x, y }
    })
    expect(ends[1]).toEqual(ends[0])
    expect([
      { x: 300, y: 10 },
      { x: 10, y: 400 },
    ]).toContainEqual(ends[0])
  })

  it('keeps every character two people type into one card title at once, and undoes only one’s own', () => {
    const alice = boundClient()
    const bobDoc = new Y.Doc()
    Y.applyUpdate(bobDoc, Y.encodeStateAsUpdate(alice.doc))
    const bob = boundClient(bobDoc)
    const id = createShapeId('story')
    alice.store.put([storyCard('story', 'Checkout')])
    Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(alice.doc))
    const title = (store: TLStore) => (store.get(id) as unknown as { props: { title: string } }).props.title
    const typeInto = (client: BoundClient, at: number, word: string) => {
      for (const [offset, char] of [...word].entries()) {
        client.store.update(id, (record) => {
          const card = record as unknown as { props: { title: string } }
          const text = card.props.title
          const index = at + offset
          const props = { ...card.props, title: text.slice(0, index) + char + text.slice(index) }
          return { ...record, props } as unknown as typeof record
        })
      }
    }
    const history = alice.binding.textHistory({ shapeId: id, key: 'title' })
    expect(history).not.toBeNull()

    // Both type while apart, keystroke by keystroke as the panel reports them, then meet.
    typeInto(alice, 0, 'Fast ')
    typeInto(bob, 8, ' in one click')
    connect(alice.doc, bob.doc)
    for (const { store } of [alice, bob]) expect(title(store)).toBe('Fast Checkout in one click')

    // Alice's undo takes back her word, not Bob's.
    expect(history?.undo()).toBe(true)
    for (const { store } of [alice, bob]) expect(title(store)).toBe('Checkout in one click')
  })

  it('does not write a remote change back to the document', () => {
    const [alice, bob] = twoClients()
    const bobsOwnUpdates: unknown[] = []
    bob.doc.on('update', (_update: Uint8Array, origin: unknown) => {
      if (origin !== wire) bobsOwnUpdates.push(origin)
    })

    alice.store.put([rectangle('card')])
    alice.store.update(createShapeId('card'), (record) => ({ ...record, x: 10 }))
    alice.store.remove([createShapeId('card')])

    expect(bobsOwnUpdates).toEqual([])
  })

  it("keeps a shape's props and meta objects when a remote change leaves them as they were", () => {
    const [alice, bob] = twoClients()
    alice.store.put([rectangle('card')])
    const before = shape(bob.store, 'card')

    // tldraw re-renders a shape and measures its label again only when its props object changes.
    alice.store.update(createShapeId('card'), (record) => ({ ...record, x: 40, y: 60 }))
    const moved = shape(bob.store, 'card')
    expect(moved).toMatchObject({ x: 40, y: 60 })
    expect(moved?.props).toBe(before?.props)
    expect(moved?.meta).toBe(before?.meta)

    alice.store.update(createShapeId('card'), (record) => ({ ...record, meta: { moved: true } }))
    const marked = shape(bob.store, 'card')
    expect(marked?.meta).toEqual({ moved: true })
    expect(marked?.props).toBe(before?.props)

    alice.store.update(createShapeId('card'), (record) => {
      const card = record as TLGeoShape
      return { ...card, props: { ...card.props, color: 'red' } }
    })
    const recoloured = shape(bob.store, 'card')
    expect(recoloured?.props).toEqual({ ...rectangle('card').props, color: 'red' })
    expect(recoloured?.meta).toBe(marked?.meta)
  })

  it('skips a remote record that does not validate and applies the others', () => {
    const [alice, bob] = twoClients()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const broken = { ...rectangle('broken'), props: { ...rectangle('broken').props, w: 'wide' } }

    writeRemotely(alice.doc, broken, rectangle('good'))

    expect(shape(bob.store, 'good')).toEqual(rectangle('good'))
    expect(shape(bob.store, 'broken')).toBeUndefined()
    // Each client skips it: Alice's store gets it from her document just as Bob's does.
    expect(warn.mock.calls.map(([message]) => message)).toEqual([
      expect.stringContaining('shape:broken'),
      expect.stringContaining('shape:broken'),
    ])
  })

  it('keeps a local edit that tldraw has not reported yet when a remote change to the record arrives', () => {
    const [alice, bob] = twoClients()
    alice.store.put([rectangle('card')])
    const id = createShapeId('card')
    const frames = holdFrames()

    // Bob moves the card: his store reports it on the next frame. Before that, a colour change arrives.
    bob.store.update(id, (record) => ({ ...record, x: 77 }))
    const card = shape(alice.store, 'card') as TLGeoShape
    writeRemotely(alice.doc, { ...card, props: { ...card.props, color: 'blue' } })
    frames.release()

    for (const { store } of [alice, bob]) {
      expect(shape(store, 'card')).toMatchObject({ x: 77, props: { color: 'blue' } })
    }
  })

  it('undoes only the local change after a remote change', () => {
    const [alice, bob] = twoClients()
    const history = new HistoryManager<TLRecord>({ store: bob.store })

    bob.store.put([rectangle('mine')])
    alice.store.put([rectangle('theirs', { x: 200 })])
    expect(history.getNumUndos()).toBe(1)

    history.undo()

    for (const { store } of [alice, bob]) {
      expect(shape(store, 'mine')).toBeUndefined()
      expect(shape(store, 'theirs')).toMatchObject({ x: 200 })
    }
    history.dispose()
  })

  it('an undo takes back only your own field, keeping what someone else changed in the same shape since', () => {
    const [alice, bob] = twoClients()
    bob.store.put([rectangle('card', { x: 10 })])
    const history = new HistoryManager<TLRecord>({ store: bob.store })

    // Bob moves the card; then Alice recolours it.
    bob.store.put([{ ...(shape(bob.store, 'card') as TLGeoShape), x: 300 }])
    const theirs = shape(alice.store, 'card') as TLGeoShape
    alice.store.put([{ ...theirs, props: { ...theirs.props, color: 'red' } }])
    expect(shape(bob.store, 'card')).toMatchObject({ x: 300, props: { color: 'red' } })

    // Bob undoes his move: the card goes back, and stays red.
    bob.binding.replay(() => history.undo())
    for (const { store } of [alice, bob]) {
      expect(shape(store, 'card')).toMatchObject({ x: 10, props: { color: 'red' } })
    }

    // Redo puts the move back, still keeping Alice's colour.
    bob.binding.replay(() => history.redo())
    for (const { store } of [alice, bob]) {
      expect(shape(store, 'card')).toMatchObject({ x: 300, props: { color: 'red' } })
    }
    history.dispose()
  })

  it('an undo leaves a field someone else changed after you alone', () => {
    const [alice, bob] = twoClients()
    bob.store.put([rectangle('card', { x: 10 })])
    const history = new HistoryManager<TLRecord>({ store: bob.store })
    bob.store.put([{ ...(shape(bob.store, 'card') as TLGeoShape), x: 300 }])
    alice.store.put([{ ...(shape(alice.store, 'card') as TLGeoShape), x: 500 }])

    bob.binding.replay(() => history.undo())
    for (const { store } of [alice, bob]) expect(shape(store, 'card')).toMatchObject({ x: 500 })
    history.dispose()
  })

  it('with a schedule, shows everyone else’s changes of a frame in one store change', () => {
    const { alice, bob, frames } = aliceAndBatchedBob()
    alice.store.put([rectangle('a'), rectangle('b')])
    frames.run()
    const remoteChanges: number[] = []
    bob.store.listen(({ changes }) => remoteChanges.push(Object.keys(changes.updated).length), {
      source: 'remote',
      scope: 'document',
    })

    for (let step = 1; step <= 20; step++) {
      for (const name of ['a', 'b']) {
        alice.store.update(createShapeId(name), (record) => ({ ...record, x: step * 10 }))
      }
    }
    // Forty changes, one flush asked for, nothing shown yet.
    expect(frames.held).toBe(1)
    expect(shape(bob.store, 'a')).toMatchObject({ x: 0 })
    frames.run()
    expect(remoteChanges).toEqual([2])
    for (const name of ['a', 'b']) expect(shape(bob.store, name)).toMatchObject({ x: 200 })
  })

  it('with a schedule, keeps a local edit made while everyone else’s changes wait', () => {
    const { alice, bob, frames } = aliceAndBatchedBob()
    alice.store.put([rectangle('card')])
    frames.run()
    const card = shape(alice.store, 'card') as TLGeoShape
    alice.store.put([{ ...card, props: { ...card.props, color: 'blue' } }])
    alice.store.put([rectangle('new one', { x: 400 })])
    // Bob moves the card before the frame shows him Alice's colour and her new shape.
    bob.store.update(createShapeId('card'), (record) => ({ ...record, x: 77 }))
    frames.run()
    for (const { store } of [alice, bob]) {
      expect(shape(store, 'card')).toMatchObject({ x: 77, props: { color: 'blue' } })
      expect(shape(store, 'new one')).toMatchObject({ x: 400 })
    }
  })

  it('with a schedule, an undo first shows what waits, and takes back only one’s own change', () => {
    const { alice, bob, frames } = aliceAndBatchedBob()
    bob.store.put([rectangle('card', { x: 10 })])
    const history = new HistoryManager<TLRecord>({ store: bob.store })
    bob.store.put([{ ...(shape(bob.store, 'card') as TLGeoShape), x: 300 }])
    const theirs = shape(alice.store, 'card') as TLGeoShape
    alice.store.put([{ ...theirs, props: { ...theirs.props, color: 'red' } }])
    expect(frames.held).toBe(1)

    bob.binding.replay(() => history.undo())
    frames.run()
    for (const { store } of [alice, bob]) {
      expect(shape(store, 'card')).toMatchObject({ x: 10, props: { color: 'red' } })
    }
    history.dispose()
  })

  it('with a schedule, two people converge whatever the order of edits and frames (property)', () => {
    const edit = fc.record({
      who: fc.constantFrom('alice' as const, 'bob' as const),
      name: fc.constantFrom('a', 'b', 'c'),
      kind: fc.constantFrom('move' as const, 'colour' as const, 'delete' as const, 'frame' as const),
      value: fc.integer({ min: 0, max: 500 }),
    })
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 40 }), (edits) => {
        const { alice, bob, frames } = aliceAndBatchedBob()
        alice.store.put([rectangle('a'), rectangle('b'), rectangle('c')])
        frames.run()
        for (const { who, name, kind, value } of edits) {
          if (kind === 'frame') {
            frames.run()
            continue
          }
          const { store } = who === 'alice' ? alice : bob
          const id = createShapeId(name)
          const current = store.get(id) as TLGeoShape | undefined
          if (kind === 'delete') {
            if (current) store.remove([id])
          } else if (!current) store.put([rectangle(name, { x: value })])
          else if (kind === 'move') store.put([{ ...current, x: value }])
          else store.put([{ ...current, props: { ...current.props, color: value % 2 ? 'red' : 'blue' } }])
        }
        frames.run()
        const shown = (store: TLStore) =>
          ['a', 'b', 'c'].map((name) => {
            const found = shape(store, name)
            return found && { x: found.x, color: found.props.color }
          })
        expect(shown(bob.store)).toEqual(shown(alice.store))
        for (const binding of bindings.splice(0)) binding.stop()
      }),
      { numRuns: 200 },
    )
  })

  it('stops syncing once unbound', () => {
    const alice = boundClient()
    const bobDoc = new Y.Doc()
    connect(alice.doc, bobDoc)
    const bobStore = createBoardStore()
    bindStoreToYDoc(bobStore, bobDoc).stop()

    alice.store.put([rectangle('card')])
    expect(bobStore.get(createShapeId('card') as TLShapeId)).toBeUndefined()
  })
})
