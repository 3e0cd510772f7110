import { FACILITATION_KEY, VOTING_HIDDEN_KEY } from '@refinery/shared'
import { atom } from 'tldraw'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bindHiddenVoting, ownTotals } from './hiddenVoting'

describe('hidden voting on the page', () => {
  it('follows the document’s votingHidden flag', () => {
    const doc = new Y.Doc()
    const hidden = atom('hidden', true)
    const stop = bindHiddenVoting(doc, hidden)
    expect(hidden.get()).toBe(false)
    doc.getMap(FACILITATION_KEY).set(VOTING_HIDDEN_KEY, true)
    expect(hidden.get()).toBe(true)
    doc.getMap(FACILITATION_KEY).delete(VOTING_HIDDEN_KEY)
    expect(hidden.get()).toBe(false)
    stop()
    doc.getMap(FACILITATION_KEY).set(VOTING_HIDDEN_KEY, true)
    expect(hidden.get()).toBe(false)
  })

  it('shows a person only their own dots while hidden', () => {
    expect(ownTotals({ 'shape:a': 2, 'shape:b': 0 })).toEqual(new Map([['shape:a', 2]]))
    expect(ownTotals(undefined)).toEqual(new Map())
  })
})
