import { VOTES_KEY } from '@refinery/shared'
import { type Atom, atom, type Editor } from 'tldraw'
import type * as Y from 'yjs'

/** Total dots per card id. */
export type VoteTotals = ReadonlyMap<string, number>

/**
 * Sums the `cardId|userId` entries of the votes map per card, as the backlog counts them: values that are
 * not positive finite numbers are ignored, and a key counts for every prefix that ends before a `|`.
 */
export function tallyDots(entries: Iterable<[string, unknown]>): VoteTotals {
  const totals = new Map<string, number>()
  for (const [key, dots] of entries) {
    if (typeof dots !== 'number' || !Number.isFinite(dots) || dots <= 0) continue
    for (let bar = key.indexOf('|'); bar !== -1; bar = key.indexOf('|', bar + 1)) {
      const cardId = key.slice(0, bar)
      totals.set(cardId, (totals.get(cardId) ?? 0) + dots)
    }
  }
  return totals
}

const totalsByEditor = new WeakMap<Editor, Atom<VoteTotals>>()

/** The live dot totals of the editor's board, for the cards to draw; empty until bound to the board. */
export function voteTotalsOf(editor: Editor): Atom<VoteTotals> {
  let totals = totalsByEditor.get(editor)
  if (!totals) {
    totals = atom<VoteTotals>('vote totals', new Map())
    totalsByEditor.set(editor, totals)
  }
  return totals
}

/**
 * Keeps `totals` equal to the tally of the document's votes map, which only the server writes.
 * Returns the function that stops.
 */
export function bindVoteTotals(doc: Y.Doc, totals: Atom<VoteTotals>): () => void {
  const votes = doc.getMap<unknown>(VOTES_KEY)
  const update = () => totals.set(tallyDots(votes.entries()))
  update()
  votes.observe(update)
  return () => votes.unobserve(update)
}
