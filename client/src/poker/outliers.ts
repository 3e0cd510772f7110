import type { PokerSpread } from '@refinery/shared'

/** "Ana", "Ana and Ben", "Ana, Ben and Cy". */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? ''
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/**
 * Who the table hears first after a reveal: the people at the lowest and highest pick, where that is
 * not the median ("Ana chose 1 and Ben chose 13: hear them first"); null when everyone is near the middle.
 */
export function hearThemFirst(
  outliers: PokerSpread['outliers'],
  names: Readonly<Record<string, string>>,
): string | null {
  if (outliers.length === 0) return null
  const byValue = new Map<string, string[]>()
  for (const { userId, value } of outliers) {
    byValue.set(value, [...(byValue.get(value) ?? []), names[userId] || 'Someone'])
  }
  const said = [...byValue].map(([value, people]) => `${listNames(people)} chose ${value}`)
  return `${said.join(' and ')}: hear them first`
}
