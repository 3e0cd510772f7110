import { defaultStoryCardProps } from '@refinery/shared'
import { b64Vecs, createShapeId, getIndices, type TLRecord, type TLShapeId, toRichText } from 'tldraw'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createBoardStore } from '../board/boardStore'
import { bindStoreToYDoc } from './yjsStoreBinding'

/**
 * How much offline work fits in one message: the client sends what it did offline as one update when
 * it reconnects, and the server refuses a message over MAX_MESSAGE_BYTES (16 MiB by default). The
 * README states these figures; the bounds below keep them true.
 */
const MESSAGE_LIMIT = 16 * 1024 * 1024
const indices = getIndices(201)

/** The bytes, per record, of the update that `count` records made through the binding add to a board. */
function bytesPerRecord(make: (i: number) => object, count = 200): number {
  const store = createBoardStore()
  const doc = new Y.Doc()
  const binding = bindStoreToYDoc(store, doc)
  const before = Y.encodeStateVector(doc)
  for (let i = 0; i < count; i++) store.put([make(i) as TLRecord])
  const bytes = Y.encodeStateAsUpdate(doc, before).byteLength / count
  binding.stop()
  return bytes
}

function shape(i: number, type: string) {
  return {
    id: createShapeId(`s${i}`),
    typeName: 'shape',
    type,
    parentId: 'page:page',
    index: indices[i + 1],
    x: i * 10,
    y: i * 7,
    rotation: 0,
    isLocked: false,
    opacity: 1,
    meta: {},
  }
}

const points = Array.from({ length: 150 }, (_, k) => ({
  x: k * 2 + Math.sin(k) * 5,
  y: Math.cos(k / 3) * 20,
  z: 0.5,
}))

describe('offline work in one message', () => {
  it('holds more than 16,000 new story cards with their texts', () => {
    const card = bytesPerRecord((i) => ({
      ...shape(i, 'story-card'),
      props: {
        ...defaultStoryCardProps(),
        title: `Save my card for next time ${i}`,
        asA: 'returning shopper',
        iWant: 'to pay with the card I saved last time',
        soThat: 'I check out in one step',
        acceptance: [
          'Given a saved card, when I pay, then I am not asked for the number',
          'The card can be removed',
        ],
        estimate: 3,
        moscow: 'must',
        labels: ['payments', 'checkout'],
      },
    }))
    console.info(`a story card: ${Math.round(card)} bytes`)
    expect(MESSAGE_LIMIT / card).toBeGreaterThan(16_000)
  })

  it('holds more than 8,000 freehand strokes of 150 points, or sticky notes', () => {
    const stroke = bytesPerRecord((i) => ({
      ...shape(i, 'draw'),
      props: {
        color: 'black',
        fill: 'none',
        dash: 'draw',
        size: 'm',
        segments: [{ type: 'free', path: b64Vecs.encodePoints(points) }],
        isComplete: true,
        isClosed: false,
        isPen: false,
        scale: 1,
        scaleX: 1,
        scaleY: 1,
      },
    }))
    const note = bytesPerRecord((i) => ({
      ...shape(i, 'note'),
      props: {
        color: 'yellow',
        labelColor: 'black',
        size: 'm',
        font: 'draw',
        fontSizeAdjustment: 0,
        align: 'middle',
        verticalAlign: 'middle',
        growY: 0,
        url: '',
        textLastEditedBy: 'user:a',
        richText: toRichText(`Idea number ${i}: let people reorder from the receipt`),
        scale: 1,
      },
    }))
    console.info(
      `a stroke of 150 points: ${Math.round(stroke)} bytes, a sticky note: ${Math.round(note)} bytes`,
    )
    expect(MESSAGE_LIMIT / stroke).toBeGreaterThan(8000)
    expect(MESSAGE_LIMIT / note).toBeGreaterThan(8000)
  })

  it('holds more than 500,000 drag steps', () => {
    const store = createBoardStore()
    const doc = new Y.Doc()
    const binding = bindStoreToYDoc(store, doc)
    const id = createShapeId('s0') as TLShapeId
    store.put([{ ...shape(0, 'story-card'), props: defaultStoryCardProps() } as unknown as TLRecord])
    const before = Y.encodeStateVector(doc)
    for (let k = 0; k < 1000; k++) store.update(id, (record) => ({ ...record, x: k, y: k / 2 }))
    const step = Y.encodeStateAsUpdate(doc, before).byteLength / 1000
    binding.stop()
    console.info(`a drag step: ${Math.round(step)} bytes`)
    expect(MESSAGE_LIMIT / step).toBeGreaterThan(500_000)
  })
})
