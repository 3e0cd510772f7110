import { FACILITATION_KEY, LOCKS_KEY } from '@refinery/shared'
import { atom, type TLShape } from 'tldraw'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bindLocks, lockNotice } from './locks'

describe('locks on the page', () => {
  it('follows the document’s lock map, entries added and removed as much as the map replaced', () => {
    const doc = new Y.Doc()
    const locked = atom<ReadonlySet<string>>('locked', new Set(['shape:stale']))
    const stop = bindLocks(doc, locked)
    expect([...locked.get()]).toEqual([])
    const locks = new Y.Map<unknown>()
    doc.getMap(FACILITATION_KEY).set(LOCKS_KEY, locks)
    locks.set('shape:a', true)
    locks.set('shape:b', true)
    expect([...locked.get()]).toEqual(['shape:a', 'shape:b'])
    locks.delete('shape:a')
    expect([...locked.get()]).toEqual(['shape:b'])
    stop()
    locks.set('shape:c', true)
    expect([...locked.get()]).toEqual(['shape:b'])
  })

  it('names what was locked in the product’s words', () => {
    const shapeOf = (type: string) => ({ type }) as TLShape
    expect(lockNotice(shapeOf('journey-step'))).toBe('The facilitator locked this journey step')
    expect(lockNotice(shapeOf('release-slice'))).toBe('The facilitator locked this release slice')
    expect(lockNotice(shapeOf('geo'))).toBe('The facilitator locked this shape')
    expect(lockNotice(undefined)).toBe('The facilitator locked this shape')
  })
})
