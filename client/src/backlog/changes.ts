import type { BacklogItem, DiffField, FieldChange } from '@refinery/shared'
import { MOSCOW_LABELS } from '../storyMap/cardFields'

/** What each compared field is called on the page. */
export const FIELD_NAMES: Record<DiffField, string> = {
  rank: 'Rank',
  title: 'Title',
  story: 'Story',
  acceptance: 'Acceptance criteria',
  estimate: 'Estimate',
  moscow: 'MoSCoW',
  votes: 'Dots',
  labels: 'Labels',
  epic: 'Epic',
  release: 'Release',
}

/** A field's value as the page shows it: "—" for none, lists joined, MoSCoW by its name. */
export function shownValue(field: DiffField, value: BacklogItem[DiffField]): string {
  if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) return '—'
  if (Array.isArray(value)) return value.join(field === 'acceptance' ? '; ' : ', ')
  if (field === 'moscow') return MOSCOW_LABELS[value as keyof typeof MOSCOW_LABELS] ?? String(value)
  if (field === 'rank') return `#${value}`
  return String(value)
}

/** One change in words, as a reader scans it: "Estimate 3 → 8", "Rank #4 → #2 (up 2)". */
export function describeChange(change: FieldChange): string {
  const before = shownValue(change.field, change.before)
  const after = shownValue(change.field, change.after)
  let text = `${FIELD_NAMES[change.field]} ${before} → ${after}`
  if (change.field === 'rank' && typeof change.before === 'number' && typeof change.after === 'number') {
    const moved = change.before - change.after
    text += moved > 0 ? ` (up ${moved})` : ` (down ${-moved})`
  }
  return text
}
