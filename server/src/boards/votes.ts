import { getRecords, VOTES_KEY } from '@refinery/shared'
import * as Y from 'yjs'

export type VoteOutcome =
  | { kind: 'cast'; dots: number; left: number }
  | { kind: 'no-such-card' }
  | { kind: 'over-budget'; left: number }

const voteKey = (cardId: string, userId: string) => `${cardId}|${userId}`

export function isStoryCard(doc: Y.Doc, cardId: string): boolean {
  const record = getRecords(doc).get(cardId)
  return record instanceof Y.Map && record.get('typeName') === 'shape' && record.get('type') === 'story-card'
}

/** Dots a user has placed on the board, per card. */
export function dotsOf(doc: Y.Doc, userId: string): Map<string, number> {
  const suffix = `|${userId}`
  const dots = new Map<string, number>()
  for (const [key, value] of doc.getMap<number>(VOTES_KEY)) {
    if (key.endsWith(suffix) && typeof value === 'number') dots.set(key.slice(0, -suffix.length), value)
  }
  return dots
}

/**
 * Sets a user's dots on a card within their budget for the board; 0 removes them. Runs inside the
 * server's transaction on the board's document, so two requests of one user cannot both pass.
 */
export function setDots(
  doc: Y.Doc,
  cardId: string,
  userId: string,
  dots: number,
  budget: number,
): VoteOutcome {
  if (!isStoryCard(doc, cardId)) return { kind: 'no-such-card' }
  let elsewhere = 0
  for (const [card, count] of dotsOf(doc, userId)) if (card !== cardId) elsewhere += count
  if (elsewhere + dots > budget) return { kind: 'over-budget', left: Math.max(0, budget - elsewhere) }
  const votes = doc.getMap<number>(VOTES_KEY)
  const key = voteKey(cardId, userId)
  if (dots === 0) votes.delete(key)
  else if (votes.get(key) !== dots) votes.set(key, dots)
  return { kind: 'cast', dots, left: budget - elsewhere - dots }
}
