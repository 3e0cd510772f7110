import type { Moscow } from '@refinery/shared'

/** How each MoSCoW priority reads on a card and in the panel. */
export const MOSCOW_LABELS: Record<Moscow, string> = {
  must: 'Must',
  should: 'Should',
  could: 'Could',
  wont: 'Won’t',
}

/** A MoSCoW value from a select's value, where '' means none. */
export function moscowFrom(value: string): Moscow | null {
  return Object.hasOwn(MOSCOW_LABELS, value) ? (value as Moscow) : null
}

/**
 * An estimate from what was typed: blank means none; `undefined` when the text is not a number the
 * contract accepts (negative, not finite), so the card keeps its estimate until the text is fixed.
 */
export function estimateFrom(text: string): number | null | undefined {
  if (text.trim() === '') return null
  const value = Number(text)
  return Number.isFinite(value) && value >= 0 ? value : undefined
}

/** The labels with those typed added: a comma separates labels, blanks and repeats are dropped. */
export function addLabels(labels: readonly string[], typed: string): string[] {
  const next = [...labels]
  for (const part of typed.split(',')) {
    const label = part.trim()
    if (label !== '' && !next.includes(label)) next.push(label)
  }
  return next
}

/** The list without the item at `index`. */
export function without<Item>(items: readonly Item[], index: number): Item[] {
  return items.filter((_, i) => i !== index)
}

/** The list with the item at `index` replaced. */
export function replaced<Item>(items: readonly Item[], index: number, item: Item): Item[] {
  return items.map((existing, i) => (i === index ? item : existing))
}
