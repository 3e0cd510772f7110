import { RELEASE_SLICE, slicesSpanningSteps } from '@refinery/shared'
import type { Editor, TLShape, TLShapeId } from 'tldraw'
import { isJourneyStep, isReleaseSlice, type ReleaseSliceShape } from './shapeProps'

/**
 * Widens the release slices on `shape`'s page (or only `onlySlice`) to span every journey step there.
 * Spans are compared in page coordinates, since steps and slices may sit in different frames; a slice
 * keeps its parent, its `x` and `w` shifted by what its page span gained.
 */
function widenSlices(editor: Editor, shape: TLShape, onlySlice?: TLShapeId): void {
  const pageId = editor.getAncestorPageId(shape)
  if (!pageId) return
  const steps: { x: number; w: number }[] = []
  const slices: { slice: ReleaseSliceShape; x: number; w: number }[] = []
  for (const id of editor.getPageShapeIds(pageId)) {
    const onPage = editor.getShape(id)
    const bounds = editor.getShapePageBounds(id)
    if (!bounds) continue
    if (isJourneyStep(onPage)) steps.push({ x: bounds.x, w: bounds.w })
    else if (isReleaseSlice(onPage) && (!onlySlice || onlySlice === id)) {
      slices.push({ slice: onPage, x: bounds.x, w: bounds.w })
    }
  }
  slicesSpanningSteps(steps, slices).forEach((widened, index) => {
    const before = slices[index]
    if (!before || widened === before) return
    const { slice } = before
    editor.updateShape({
      id: slice.id,
      type: RELEASE_SLICE,
      x: slice.x + (widened.x - before.x),
      props: { w: slice.props.w + (widened.w - before.w) },
    })
  })
}

/**
 * Keeps every release slice spanning every journey step, as `slicesSpanningSteps` says: when this person
 * creates, moves or resizes a step, the slices widen; a slice this person creates spans the steps. Only
 * this person's own changes: everyone else's client does the same for its own, and writing for remote
 * changes would make every open board write at once. Returns the function that stops it.
 */
export function keepSlicesSpanningSteps(editor: Editor): () => void {
  const stopOnCreate = editor.sideEffects.registerAfterCreateHandler('shape', (shape, source) => {
    if (source !== 'user') return
    if (isJourneyStep(shape)) widenSlices(editor, shape)
    else if (isReleaseSlice(shape)) widenSlices(editor, shape, shape.id)
  })
  const stopOnChange = editor.sideEffects.registerAfterChangeHandler('shape', (prev, next, source) => {
    if (source !== 'user' || !isJourneyStep(prev) || !isJourneyStep(next)) return
    const moved =
      prev.x !== next.x ||
      prev.props.w !== next.props.w ||
      prev.parentId !== next.parentId ||
      prev.rotation !== next.rotation
    if (moved) widenSlices(editor, next)
  })
  return () => {
    stopOnCreate()
    stopOnChange()
  }
}
