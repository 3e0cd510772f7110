import type { Backlog, BacklogItem } from './backlog'

/** The fields of a backlog item compared between two refinements, in the order a reader scans them. */
export const DIFF_FIELDS = [
  'rank',
  'title',
  'story',
  'acceptance',
  'estimate',
  'moscow',
  'votes',
  'labels',
  'epic',
  'release',
] as const satisfies readonly (keyof BacklogItem)[]
export type DiffField = (typeof DIFF_FIELDS)[number]

export interface FieldChange {
  field: DiffField
  before: BacklogItem[DiffField]
  after: BacklogItem[DiffField]
}

/** A card in both backlogs whose item differs: what it is called now, and each field before and after. */
export interface ChangedItem {
  id: string
  title: string
  changes: FieldChange[]
}

/**
 * What changed between two backlogs of one board (CONTRACT section 3, `…/diff`): items by card id.
 * `added` and `removed` hold the whole item, in the rank order of the backlog they are in.
 */
export interface BacklogDiff {
  added: BacklogItem[]
  removed: BacklogItem[]
  changed: ChangedItem[]
}

const sameValue = (a: unknown, b: unknown) =>
  Array.isArray(a) && Array.isArray(b)
    ? a.length === b.length && a.every((entry, index) => entry === b[index])
    : a === b

/** Compares `before` with `after`, card by card; changed items in `after`'s rank order. */
export function diffBacklogs(before: Pick<Backlog, 'items'>, after: Pick<Backlog, 'items'>): BacklogDiff {
  const earlier = new Map(before.items.map((item) => [item.id, item]))
  const later = new Set(after.items.map((item) => item.id))
  const diff: BacklogDiff = { added: [], removed: [], changed: [] }
  for (const item of after.items) {
    const old = earlier.get(item.id)
    if (!old) {
      diff.added.push(item)
      continue
    }
    const changes: FieldChange[] = []
    for (const field of DIFF_FIELDS) {
      if (!sameValue(old[field], item[field])) changes.push({ field, before: old[field], after: item[field] })
    }
    if (changes.length > 0) diff.changed.push({ id: item.id, title: item.title, changes })
  }
  for (const item of before.items) if (!later.has(item.id)) diff.removed.push(item)
  return diff
}
