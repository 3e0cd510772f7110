/**
 * Every shape's parent chain ends at a page (CONTRACT section 5). Two people can break that together
 * without either doing anything wrong: one deletes a frame while the other, offline, adds a card into
 * it. After the merge the card's parent is gone and tldraw shows it nowhere. This module finds such
 * shapes and says where to put them back: on the page their parent was on, at the page position they
 * had, never deleted.
 */

/** What places a shape: its parent and its position and rotation relative to that parent. */
export interface Placement {
  parentId: unknown
  x: unknown
  y: unknown
  rotation: unknown
}

/** Where a shape sits in the coordinates of the page it is on. */
export interface PagePlacement {
  pageId: string
  x: number
  y: number
  rotation: number
}

/** A shape put back directly on a page, at `x`, `y`, `rotation` in that page's coordinates. */
export interface Rehoming {
  id: string
  parentId: string
  x: number
  y: number
  rotation: number
}

/** The board's shapes and pages as the rules below read them. */
export interface Board {
  /** The placement of a shape on the board, or undefined for an id that is not a shape there. */
  shape(id: string): Placement | undefined
  /** Whether `id` is a page on the board. */
  isPage(id: string): boolean
}

function finite(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}

/** `placement` (relative to a parent at `base`) in page coordinates. */
function onPage(base: PagePlacement, placement: Placement): PagePlacement {
  const x = finite(placement.x)
  const y = finite(placement.y)
  const cos = Math.cos(base.rotation)
  const sin = Math.sin(base.rotation)
  return {
    pageId: base.pageId,
    x: base.x + x * cos - y * sin,
    y: base.y + x * sin + y * cos,
    rotation: base.rotation + finite(placement.rotation),
  }
}

/**
 * Where shape `id` is on its page, following its parents; a parent that is gone is looked up in
 * `departed` (where it was when it was deleted). Undefined when the chain reaches neither.
 */
export function pagePlacement(
  board: Board,
  id: string,
  departed: (id: string) => PagePlacement | undefined = () => undefined,
): PagePlacement | undefined {
  const chain: Placement[] = []
  const seen = new Set<string>()
  let current: unknown = id
  let base: PagePlacement | undefined
  while (typeof current === 'string' && !seen.has(current)) {
    seen.add(current)
    if (board.isPage(current)) {
      base = { pageId: current, x: 0, y: 0, rotation: 0 }
      break
    }
    const shape = board.shape(current)
    if (!shape) {
      base = departed(current)
      break
    }
    chain.push(shape)
    current = shape.parentId
  }
  if (!base) return undefined
  for (const placement of chain.reverse()) base = onPage(base, placement)
  return base
}

/**
 * The shape whose parent chain stops short of a page because of it, or null when the chain of `id`
 * reaches a page: the last shape before a parent that is missing or not a shape, or for a cycle of
 * parents the member with the smallest id, whichever member the walk started from.
 */
function brokenLink(board: Board, id: string): string | null {
  const path = [id]
  for (;;) {
    const current = path[path.length - 1] as string
    const parentId = board.shape(current)?.parentId
    if (typeof parentId !== 'string') return current
    if (board.isPage(parentId)) return null
    if (!board.shape(parentId)) return current
    const loop = path.indexOf(parentId)
    if (loop !== -1) return path.slice(loop).sort()[0] as string
    path.push(parentId)
  }
}

/**
 * The shapes to put back on a page so that every shape's chain reaches one: each shape whose own
 * parent is what breaks a chain (its children come back with it). A shape whose parent was deleted
 * goes to that parent's page at the page position it had there, if `departed` knows where the parent
 * was; otherwise, and for a cycle of parents, to `fallbackPage` keeping its own `x`, `y`, as the
 * backlog already counts it. Nothing when there is no page to go to.
 */
export function rehomeOrphans(
  board: Board,
  shapeIds: Iterable<string>,
  fallbackPage: string | undefined,
  departed: (id: string) => PagePlacement | undefined = () => undefined,
): Rehoming[] {
  if (fallbackPage === undefined) return []
  const roots = new Set<string>()
  for (const id of shapeIds) {
    const root = brokenLink(board, id)
    if (root !== null) roots.add(root)
  }
  const rehomed: Rehoming[] = []
  for (const id of roots) {
    const shape = board.shape(id)
    if (!shape) continue
    const parentId = shape.parentId
    const gone = typeof parentId === 'string' && !board.shape(parentId) ? departed(parentId) : undefined
    const base = gone && board.isPage(gone.pageId) ? gone : { pageId: fallbackPage, x: 0, y: 0, rotation: 0 }
    const { pageId, x, y, rotation } = onPage(base, shape)
    rehomed.push({ id, parentId: pageId, x, y, rotation })
  }
  return rehomed
}
