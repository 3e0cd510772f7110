import { observeSummon, type Summon, summonOf } from '@refinery/shared'
import type * as Y from 'yjs'

export interface SummonWatchOptions {
  /** This person's account id: their own summon moves nobody here. */
  me: string
  /**
   * Whether this session has been in step with the server once. Until then every summon counts as
   * one that was there before: a board opened from this browser's offline copy gets the server's
   * state in a rush, and a summon made an hour ago must not move a late joiner's view.
   */
  hasSynced: () => boolean
}

/**
 * Calls `onSummon` for each summon made while this person has the board open: never for the one
 * already there when they opened it, nor twice for one summon (other facilitation changes, a timer,
 * touch the same map). Returns the function that stops watching.
 */
export function watchSummons(
  doc: Y.Doc,
  { me, hasSynced }: SummonWatchOptions,
  onSummon: (summon: Summon) => void,
): () => void {
  let latest = summonOf(doc)?.id ?? null
  return observeSummon(doc, () => {
    const summon = summonOf(doc)
    if (!summon || summon.id === latest) return
    latest = summon.id
    if (hasSynced() && summon.by !== me) onSummon(summon)
  })
}
