import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { REMOTE_WRITE_DELAY_MS, UpdateBatcher } from './localCopy'

/** A document whose every update is handed to a batcher, and what the batcher wrote. */
function watched() {
  const doc = new Y.Doc()
  const written: Uint8Array[] = []
  const batcher = new UpdateBatcher((update) => written.push(update))
  const fromServer = Symbol('server')
  doc.on('update', (update: Uint8Array, origin: unknown) => batcher.add(update, origin === fromServer))
  const copy = () => {
    const restored = new Y.Doc()
    for (const update of written) Y.applyUpdate(restored, update)
    return restored.getMap('m').toJSON()
  }
  return { doc, written, batcher, fromServer, copy }
}

describe('UpdateBatcher', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('writes the server’s changes together once they have waited, and one’s own at once', () => {
    const { doc, written, batcher, fromServer, copy } = watched()
    for (let i = 0; i < 50; i++) doc.transact(() => doc.getMap('m').set(`card${i}`, i), fromServer)
    expect(written).toHaveLength(0)
    expect(batcher.waiting).toBe(50)
    vi.advanceTimersByTime(REMOTE_WRITE_DELAY_MS)
    expect(written).toHaveLength(1)
    expect(Object.keys(copy())).toHaveLength(50)

    doc.transact(() => doc.getMap('m').set('card0', 'moved'), fromServer)
    doc.getMap('m').set('mine', 'typed offline')
    // One's own change goes at once, taking the server's waiting change with it.
    expect(written).toHaveLength(2)
    expect(batcher.waiting).toBe(0)
    expect(copy()).toMatchObject({ card0: 'moved', mine: 'typed offline' })
    vi.advanceTimersByTime(REMOTE_WRITE_DELAY_MS * 4)
    expect(written).toHaveLength(2)
  })

  it('loses nothing, whatever the order of changes, waits and flushes (property)', () => {
    type Step =
      | { kind: 'server' | 'own'; key: string; value: number }
      | { kind: 'wait'; ms: number }
      | { kind: 'flush' }
    const step = fc.oneof(
      fc.record({
        kind: fc.constantFrom('server' as const, 'own' as const),
        key: fc.constantFrom('a', 'b', 'c', 'd'),
        value: fc.integer(),
      }),
      fc.record({
        kind: fc.constant('wait' as const),
        ms: fc.integer({ min: 0, max: REMOTE_WRITE_DELAY_MS * 2 }),
      }),
      fc.record({ kind: fc.constant('flush' as const) }),
    )
    fc.assert(
      fc.property(fc.array(step as fc.Arbitrary<Step>, { maxLength: 60 }), (steps) => {
        const { doc, batcher, fromServer, copy } = watched()
        let lastOwn = -1
        steps.forEach((s, i) => {
          if (s.kind === 'wait') vi.advanceTimersByTime(s.ms)
          else if (s.kind === 'flush') batcher.flush()
          else {
            doc.transact(() => doc.getMap('m').set(s.key, s.value), s.kind === 'server' ? fromServer : null)
            if (s.kind === 'own') lastOwn = i
          }
          // Nothing of one's own ever waits.
          if (lastOwn === i) expect(batcher.waiting).toBe(0)
        })
        vi.advanceTimersByTime(REMOTE_WRITE_DELAY_MS)
        expect(batcher.waiting).toBe(0)
        expect(copy()).toEqual(doc.getMap('m').toJSON())
      }),
      { numRuns: 300 },
    )
  })
})
