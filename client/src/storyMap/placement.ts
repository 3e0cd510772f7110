import { slicesSpanningSteps } from '@refinery/shared'

/** A box in page coordinates. */
export interface Box {
  x: number
  y: number
  w: number
  h: number
}

export interface Point {
  x: number
  y: number
}

/** Space between a journey step and its first card, and between cards of one column. */
export const CARD_GAP = 20
/** The top of a release slice that holds its name; cards start below it. */
export const SLICE_HEADER = 44

const bottom = (box: Box) => box.y + box.h
const centreX = (box: Box) => box.x + box.w / 2
const containsX = (box: Box, x: number) => x >= box.x && x <= box.x + box.w
const containsY = (box: Box, y: number) => y >= box.y && y <= bottom(box)

/** The journey step whose column holds `x`: the first by left edge, as the backlog chooses. */
export function stepAt(steps: readonly Box[], x: number): Box | null {
  const holding = steps.filter((step) => containsX(step, x))
  holding.sort((a, b) => a.x - b.x)
  return holding[0] ?? null
}

interface CardPlacement {
  /** Where the card was dropped: the centre of the new card. */
  drop: Point
  card: { w: number; h: number }
  steps: readonly Box[]
  slices: readonly Box[]
  /** The other cards on the page, to stack under rather than cover. */
  cards: readonly Box[]
}

/**
 * The first top edge, from `y` down, at which a card of height `h` leaves a slice's name and every card of
 * `inTheWay` clear: each move only goes down, past a slice's name or a card, so this ends once nothing
 * is in the way.
 */
function clearBelow(y: number, h: number, inTheWay: readonly Box[], slices: readonly Box[]): number {
  const belowSliceName = (top: number) => {
    const slice = slices.find((candidate) => containsY(candidate, top + h / 2))
    return slice ? Math.max(top, slice.y + SLICE_HEADER) : top
  }
  const pastCards = (top: number) => {
    const card = inTheWay.find((other) => top < bottom(other) + CARD_GAP && top + h + CARD_GAP > other.y)
    return card ? bottom(card) + CARD_GAP : top
  }
  for (let next = pastCards(belowSliceName(y)); next !== y; next = pastCards(belowSliceName(y))) y = next
  return y
}

/**
 * Where a new story card goes: dropped in a journey step's column, it lines up with the step's left edge,
 * below the step, below the name of the release slice it lands in, at the drop point or, if a card of that
 * column is in the way, just below it. Outside every column it stays centred on the drop.
 */
export function placeStoryCard({ drop, card, steps, slices, cards }: CardPlacement): Point {
  const step = stepAt(steps, drop.x)
  if (!step) return { x: drop.x - card.w / 2, y: drop.y - card.h / 2 }
  const column = cards.filter((other) => stepAt(steps, centreX(other)) === step)
  const top = Math.max(bottom(step) + CARD_GAP, drop.y - card.h / 2)
  return { x: step.x, y: clearBelow(top, card.h, column, slices) }
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < bottom(b) && b.y < bottom(a)

/**
 * Where a pasted or duplicated story card goes. tldraw pastes a copy in place while the original is in
 * view, so the copy would hide it (and the backlog would count a card nobody sees): a copy that covers
 * another card moves down its column, under the step's left edge, to the first place below where it
 * landed that is free; outside every column it moves straight down. A copy that covers no card stays.
 */
export function placeCopiedCard(
  copy: Box,
  { steps, slices, cards }: Omit<CardPlacement, 'drop' | 'card'>,
): Point {
  if (!cards.some((other) => overlaps(copy, other))) return { x: copy.x, y: copy.y }
  const step = stepAt(steps, centreX(copy))
  const x = step ? step.x : copy.x
  const top = step ? Math.max(bottom(step) + CARD_GAP, copy.y) : copy.y
  // Every card the copy would touch at its new x, whatever its column: none of them may be covered.
  const inTheWay = cards.filter((other) => other.x < x + copy.w && x < other.x + other.w)
  return { x, y: clearBelow(top, copy.h, inTheWay, slices) }
}

/**
 * Where a new journey step goes: on the row of the existing steps (the top of the map), centred
 * horizontally on the drop. The first step is simply centred on the drop.
 */
export function placeJourneyStep(drop: Point, step: { w: number; h: number }, steps: readonly Box[]): Point {
  const x = drop.x - step.w / 2
  const row = steps.length ? Math.min(...steps.map((other) => other.y)) : drop.y - step.h / 2
  return { x, y: row }
}

/**
 * Where a new release slice goes, and how wide: lined up with the left edge of the existing slices and as
 * wide as the widest, centred vertically on the drop, so the lanes stay one stack under the journey; and
 * wide enough to span every journey step, as every slice does.
 */
export function placeReleaseSlice(
  drop: Point,
  slice: { w: number; h: number },
  slices: readonly Box[],
  steps: readonly Box[],
): Box {
  const y = drop.y - slice.h / 2
  const x = slices.length ? Math.min(...slices.map((other) => other.x)) : drop.x - slice.w / 2
  const w = slices.length ? Math.max(...slices.map((other) => other.x + other.w)) - x : slice.w
  const [spanning = { x, w }] = slicesSpanningSteps(steps, [{ x, w }])
  return { ...spanning, y, h: slice.h }
}

/** Room left around the map when it is framed: the menus and the header sit over the top of the canvas. */
export const FRAME_MARGIN = { top: 72, side: 24 }

/**
 * The camera that shows a map the way people read it: its top-left corner under the menus, as wide as
 * the window allows but never above 100%, so the cards stay readable and the rest is a scroll away.
 */
export function mapCamera(map: Box, viewport: { w: number; h: number }): Point & { z: number } {
  const z = Math.max(0.25, Math.min(1, (viewport.w - 2 * FRAME_MARGIN.side) / map.w))
  return { x: FRAME_MARGIN.side / z - map.x, y: FRAME_MARGIN.top / z - map.y, z }
}
