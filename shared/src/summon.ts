import type * as Y from 'yjs'
import { FACILITATION_KEY } from './facilitation'

/** The latest "Bring everyone here" in the facilitation map. */
export const SUMMON_KEY = 'summon'

/**
 * An owner's or editor's call for everyone's view to follow theirs, as the server writes it: a new
 * `id` each time, so a client tells a new summon from the one that was there when it opened the board;
 * `by` is the account id (presence carries it as the tldraw user id), `at` the server's epoch ms.
 */
export interface Summon {
  id: string
  by: string
  byName: string
  at: number
}

/** The board's latest summon, or null when there is none or what is stored is not one. */
export function summonOf(doc: Y.Doc): Summon | null {
  return asSummon(doc.getMap<unknown>(FACILITATION_KEY).get(SUMMON_KEY))
}

/** Writes a summon; only the server calls it (the root is server-owned). */
export function putSummon(doc: Y.Doc, summon: Summon): void {
  doc.getMap<unknown>(FACILITATION_KEY).set(SUMMON_KEY, { ...summon })
}

/** Watches the map the summon lives in; returns the function that stops watching. */
export function observeSummon(doc: Y.Doc, onChange: () => void): () => void {
  const map = doc.getMap<unknown>(FACILITATION_KEY)
  map.observe(onChange)
  return () => map.unobserve(onChange)
}

function asSummon(value: unknown): Summon | null {
  if (typeof value !== 'object' || value === null) return null
  const { id, by, byName, at } = value as Record<string, unknown>
  if (typeof id !== 'string' || typeof by !== 'string') return null
  return {
    id,
    by,
    byName: typeof byName === 'string' ? byName : '',
    at: typeof at === 'number' && Number.isFinite(at) ? at : 0,
  }
}
