import type { Backlog, BacklogItem } from '@refinery/shared'

/** The backlog's items under one release heading. */
export interface ReleaseGroup {
  /** The release slice's id; null for the items under no slice. */
  id: string | null
  name: string
  items: BacklogItem[]
  /** The sum of the estimates given; items without one add nothing. */
  points: number
  /** How many items have no estimate yet. */
  unestimated: number
}

function group(id: string | null, name: string, items: BacklogItem[]): ReleaseGroup {
  return {
    id,
    name,
    items,
    points: items.reduce((sum, item) => sum + (item.estimate ?? 0), 0),
    unestimated: items.filter((item) => item.estimate === null).length,
  }
}

/**
 * The items grouped by release: every release in slice order, even one with no items yet, then
 * "No release" when some items are under no slice. Each group keeps the items in rank order.
 */
export function groupByRelease(backlog: Pick<Backlog, 'releases' | 'items'>): ReleaseGroup[] {
  const ranked = [...backlog.items].sort((a, b) => a.rank - b.rank)
  const groups = backlog.releases.map((release) =>
    group(
      release.id,
      release.name,
      ranked.filter((item) => item.releaseId === release.id),
    ),
  )
  const unreleased = ranked.filter(
    (item) => item.releaseId === null || !backlog.releases.some((release) => release.id === item.releaseId),
  )
  if (unreleased.length) groups.push(group(null, 'No release', unreleased))
  return groups
}

/**
 * The path and query of an item's link, so the app opens it without leaving the page: the server
 * writes absolute links with its public address, which may differ from the one in the address bar.
 */
export function inAppPath(url: string): string {
  try {
    const parsed = new URL(url, 'http://refinery.invalid')
    return parsed.pathname + parsed.search
  } catch {
    return url
  }
}

/** A release's points in words: "8 points", "1 point, 2 not estimated", or "not estimated" at all. */
export function pointsText({
  items,
  points,
  unestimated,
}: Pick<ReleaseGroup, 'items' | 'points' | 'unestimated'>) {
  if (items.length > 0 && unestimated === items.length) return 'not estimated'
  const total = `${points} ${points === 1 ? 'point' : 'points'}`
  return unestimated ? `${total}, ${unestimated} not estimated` : total
}
