import { VOTES_KEY } from '@refinery/shared'
import { atom } from 'tldraw'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bindVoteTotals, tallyDots, type VoteTotals } from './votes'

describe('tallyDots', () => {
  it('sums each card’s dots across people', () => {
    const totals = tallyDots([
      ['shape:a|u1', 2],
      ['shape:a|u2', 1],
      ['shape:b|u1', 3],
    ])
    expect(Object.fromEntries(totals)).toEqual({ 'shape:a': 3, 'shape:b': 3 })
  })

  it('ignores values that are not positive finite numbers, and keys without a person', () => {
    const totals = tallyDots([
      ['shape:a|u1', 0],
      ['shape:a|u2', -1],
      ['shape:a|u3', Number.NaN],
      ['shape:a|u4', '2'],
      ['shape:a', 5],
      ['shape:b|u1', 1],
    ])
    expect(Object.fromEntries(totals)).toEqual({ 'shape:b': 1 })
  })
})

describe('bindVoteTotals', () => {
  it('follows the votes map until stopped', () => {
    const doc = new Y.Doc()
    const votes = doc.getMap<number>(VOTES_KEY)
    votes.set('shape:a|u1', 1)
    const totals = atom<VoteTotals>('totals', new Map())
    const stop = bindVoteTotals(doc, totals)
    expect(totals.get().get('shape:a')).toBe(1)

    votes.set('shape:a|u2', 2)
    expect(totals.get().get('shape:a')).toBe(3)
    votes.delete('shape:a|u1')
    expect(totals.get().get('shape:a')).toBe(2)

    stop()
    votes.set('shape:a|u3', 4)
    expect(totals.get().get('shape:a')).toBe(2)
  })
})
