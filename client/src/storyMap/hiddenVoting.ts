import { FACILITATION_KEY, type MyVotes, VOTING_HIDDEN_KEY } from '@refinery/shared'
import { type Atom, atom, type Editor } from 'tldraw'
import type * as Y from 'yjs'
import type { VoteTotals } from './votes'

/** What the cards and the panel say while an owner keeps the dots hidden. */
export const HIDDEN_VOTING_NOTE = 'Voting is hidden until the owner reveals it'

const hiddenByEditor = new WeakMap<Editor, Atom<boolean>>()

/** Whether the editor's board keeps its dots hidden: then each person sees only their own. */
export function hiddenVotingOf(editor: Editor): Atom<boolean> {
  let hidden = hiddenByEditor.get(editor)
  if (!hidden) {
    hidden = atom('voting hidden', false)
    hiddenByEditor.set(editor, hidden)
  }
  return hidden
}

/** Keeps `hidden` equal to the document's `facilitation.votingHidden`; returns the function that stops. */
export function bindHiddenVoting(doc: Y.Doc, hidden: Atom<boolean>): () => void {
  const facilitation = doc.getMap<unknown>(FACILITATION_KEY)
  const update = () => hidden.set(facilitation.get(VOTING_HIDDEN_KEY) === true)
  update()
  facilitation.observe(update)
  return () => facilitation.unobserve(update)
}

/**
 * The totals a person sees while voting is hidden: only their own dots, which the server keeps out of
 * the document and tells the voter alone.
 */
export function ownTotals(mine: MyVotes['mine'] | undefined): VoteTotals {
  return new Map(Object.entries(mine ?? {}).filter(([, dots]) => dots > 0))
}
