import type * as Y from 'yjs'
import { z } from 'zod'

/** The server-owned root map of planning poker (CONTRACT section 5). */
export const POKER_KEY = 'poker'
/** The open round's key in the poker map. */
export const ROUND_KEY = 'round'

/** The card for "I can't tell": in every deck, never counted in the spread's maths, never accepted. */
export const UNSURE = '?'

/** The decks a round is played with, each face in the order the table lays them out. */
export const POKER_DECKS = {
  fibonacci: ['0', '1', '2', '3', '5', '8', '13', '21', UNSURE],
  tshirt: ['XS', 'S', 'M', 'L', 'XL', UNSURE],
} as const satisfies Record<string, readonly string[]>
export type PokerDeck = keyof typeof POKER_DECKS
export const POKER_DECK_NAMES = Object.keys(POKER_DECKS) as PokerDeck[]

/** What an accepted T-shirt size becomes in the card's `estimate`, which is points (a number). */
export const TSHIRT_POINTS: Readonly<Record<string, number>> = { XS: 1, S: 2, M: 3, L: 5, XL: 8 }

export function isInDeck(deck: PokerDeck, value: string): boolean {
  return (POKER_DECKS[deck] as readonly string[]).includes(value)
}

/** The card's `estimate` for an accepted face: Fibonacci as is, T-shirt by `TSHIRT_POINTS`; null for '?'. */
export function pointsOf(deck: PokerDeck, value: string): number | null {
  if (value === UNSURE || !isInDeck(deck, value)) return null
  return deck === 'tshirt' ? (TSHIRT_POINTS[value] ?? null) : Number(value)
}

/**
 * The open round as the server writes it: plain JSON. `estimated` names who has picked (user id →
 * display name) so everyone sees it; `values` (user id → face) is there only once revealed.
 */
export interface PokerRound {
  id: string
  cardId: string
  deck: PokerDeck
  openedBy: string
  openedByName: string
  openedAt: number
  estimated: Record<string, string>
  revealed: boolean
  values?: Record<string, string>
}

/** A face as sent: a string, or a Fibonacci number as a number. */
const face = z.union([z.string().min(1).max(8), z.number().finite()]).transform(String)

/** `POST …/poker`: open a round on a story card. */
export const PokerOpenBody = z.object({
  cardId: z.string().min(1).max(200),
  deck: z.enum(POKER_DECK_NAMES as [PokerDeck, ...PokerDeck[]]),
})
export type PokerOpenBody = z.infer<typeof PokerOpenBody>

/** `PUT …/poker/estimate` and `POST …/poker/accept`: one face of the round's deck. */
export const PokerValueBody = z.object({ value: face })
export type PokerValueBody = z.infer<typeof PokerValueBody>

/** What the poker routes answer: the round as everyone sees it, and the caller's own pick. */
export interface PokerAnswer {
  round: PokerRound | null
  mine: string | null
}

/** What accepting answers: the round is closed and the card holds `estimate` points. */
export interface PokerAcceptAnswer {
  cardId: string
  value: string
  estimate: number
}

/** The board's open round, or null when there is none or what is stored is not one. */
export function pokerRoundOf(doc: Y.Doc): PokerRound | null {
  return asPokerRound(doc.getMap<unknown>(POKER_KEY).get(ROUND_KEY))
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {}
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  )
}

export function asPokerRound(value: unknown): PokerRound | null {
  if (typeof value !== 'object' || value === null) return null
  const { id, cardId, deck, openedBy, openedByName, openedAt, estimated, revealed, values } = value as Record<
    string,
    unknown
  >
  if (typeof id !== 'string' || typeof cardId !== 'string') return null
  if (typeof deck !== 'string' || !(deck in POKER_DECKS)) return null
  return {
    id,
    cardId,
    deck: deck as PokerDeck,
    openedBy: typeof openedBy === 'string' ? openedBy : '',
    openedByName: typeof openedByName === 'string' ? openedByName : '',
    openedAt: typeof openedAt === 'number' && Number.isFinite(openedAt) ? openedAt : 0,
    estimated: stringRecord(estimated),
    revealed: revealed === true,
    ...(revealed === true ? { values: stringRecord(values) } : {}),
  }
}

/** One face of the spread and who picked it (user ids). */
export interface SpreadEntry {
  value: string
  people: string[]
}

export interface PokerSpread {
  /** Each face someone picked, in deck order ('?' last), with its people. */
  counts: SpreadEntry[]
  /** The middle pick by deck order ('?' left out); of two middles the higher, estimating on the safe side. */
  median: string | null
  /** The people at the lowest and at the highest pick, where that pick is not the median: hear them first. */
  outliers: { userId: string; value: string }[]
  /** Who picked '?'. */
  unsure: string[]
}

/** The revealed picks laid out for the table to talk about; faces not in the deck are left out. */
export function spread(values: Record<string, string>, deck: PokerDeck): PokerSpread {
  const faces = POKER_DECKS[deck] as readonly string[]
  const rank = (value: string) => faces.indexOf(value)
  const picks = Object.entries(values)
    .filter(([, value]) => rank(value) >= 0)
    .sort(([a, x], [b, y]) => rank(x) - rank(y) || (a < b ? -1 : a > b ? 1 : 0))
  const counts: SpreadEntry[] = []
  for (const [userId, value] of picks) {
    const last = counts.at(-1)
    if (last?.value === value) last.people.push(userId)
    else counts.push({ value, people: [userId] })
  }
  const sized = picks.filter(([, value]) => value !== UNSURE)
  const median = sized.length === 0 ? null : (sized[Math.floor(sized.length / 2)]?.[1] ?? null)
  const lowest = sized[0]?.[1]
  const highest = sized.at(-1)?.[1]
  const outliers = sized
    .filter(([, value]) => value !== median && (value === lowest || value === highest))
    .map(([userId, value]) => ({ userId, value }))
  const unsure = picks.filter(([, value]) => value === UNSURE).map(([userId]) => userId)
  return { counts, median, outliers, unsure }
}
