/** A shape's horizontal extent in page coordinates: from `x`, `w` wide. */
export interface HorizontalSpan {
  x: number
  w: number
}

/**
 * Whether `edge` reaches `target`: exactly, or short of it by no more than the rounding of `x + w`, so
 * that a slice widened once counts as widened and a second pass changes nothing.
 */
const reaches = (edge: number, target: number) => edge >= target - 1e-9 * Math.max(1, Math.abs(target))

/**
 * Every release slice widened, only as far as needed, so that its horizontal span holds every journey
 * step's. The backlog places a card in a slice by its height alone (CONTRACT section 6): a card under a
 * step that a slice does not reach would be in that slice in the backlog but in none on screen. A slice
 * is never narrowed, and one that already spans the steps comes back as the same object.
 *
 * @example
 * slicesSpanningSteps([{ x: 0, w: 240 }, { x: 900, w: 240 }], [{ x: -20, w: 600 }])
 * // [{ x: -20, w: 1160 }]
 */
export function slicesSpanningSteps<Slice extends HorizontalSpan>(
  steps: readonly HorizontalSpan[],
  slices: readonly Slice[],
): Slice[] {
  if (steps.length === 0) return [...slices]
  const left = Math.min(...steps.map((step) => step.x))
  const right = Math.max(...steps.map((step) => step.x + step.w))
  return slices.map((slice) => {
    const end = slice.x + slice.w
    if (slice.x <= left && reaches(end, right)) return slice
    const x = Math.min(slice.x, left)
    return { ...slice, x, w: Math.max(end, right) - x }
  })
}
