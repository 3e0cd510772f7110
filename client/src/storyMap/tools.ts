import {
  defaultJourneyStepProps,
  defaultReleaseSliceProps,
  defaultStoryCardProps,
  JOURNEY_STEP,
  RELEASE_SLICE,
  STORY_CARD,
  type StoryMapShapeType,
} from '@refinery/shared'
import { createShapeId, type Editor, StateNode, type TLShapeId } from 'tldraw'
import {
  type Box,
  type Point,
  placeCopiedCard,
  placeJourneyStep,
  placeReleaseSlice,
  placeStoryCard,
} from './placement'
import { isJourneyStep, isReleaseSlice, isStoryCard, type StoryCardShape } from './shapeProps'

/** The page boxes of the story-map shapes on the current page, but `except`. */
function mapBoxes(editor: Editor, except?: TLShapeId) {
  const boxes = { steps: [] as Box[], slices: [] as Box[], cards: [] as Box[] }
  for (const shape of editor.getCurrentPageShapes()) {
    const bounds = shape.id === except ? undefined : editor.getShapePageBounds(shape)
    if (!bounds) continue
    const box = { x: bounds.x, y: bounds.y, w: bounds.w, h: bounds.h }
    if (isJourneyStep(shape)) boxes.steps.push(box)
    else if (isReleaseSlice(shape)) boxes.slices.push(box)
    else if (isStoryCard(shape)) boxes.cards.push(box)
  }
  return boxes
}

/**
 * Puts a story-map shape dragged out of the toolbar where it would have been placed by a click on the
 * point it was dropped at: a card into its column, a step onto the steps' row, a slice into the stack.
 */
export function settleDroppedShape(editor: Editor, id: TLShapeId): void {
  const shape = editor.getShape(id)
  const bounds = editor.getShapePageBounds(id)
  if (!shape || !bounds) return
  const { steps, slices, cards } = mapBoxes(editor, id)
  const drop = bounds.center
  if (isStoryCard(shape)) {
    const place = placeStoryCard({ drop, card: bounds, steps, slices, cards })
    editor.updateShape({ id, type: STORY_CARD, ...place })
  } else if (isJourneyStep(shape)) {
    editor.updateShape({ id, type: JOURNEY_STEP, ...placeJourneyStep(drop, bounds, steps) })
  } else if (isReleaseSlice(shape)) {
    const { x, y, w, h } = placeReleaseSlice(drop, bounds, slices, steps)
    editor.updateShape({ id, type: RELEASE_SLICE, x, y, props: { w, h } })
    editor.sendToBack([id])
  }
}

/**
 * Moves each story card among `copies` (just pasted or duplicated) that covers another card to where
 * `placeCopiedCard` puts it, the highest first, so copies of a column keep their order below it. A card
 * copied inside a copied frame moves with its frame and is left alone.
 */
export function settleCopiedCards(editor: Editor, copies: readonly TLShapeId[]): void {
  const copied = new Set(copies)
  const top = (card: StoryCardShape) => editor.getShapePageBounds(card)?.y ?? 0
  const cards = copies
    .map((id) => editor.getShape(id))
    .filter(isStoryCard)
    .filter((card) => !copied.has(card.parentId as TLShapeId))
    .sort((a, b) => top(a) - top(b))
  for (const card of cards) {
    const bounds = editor.getShapePageBounds(card)
    if (!bounds) continue
    const place = placeCopiedCard(bounds, mapBoxes(editor, card.id))
    if (place.x === bounds.x && place.y === bounds.y) continue
    const local = editor.getPointInParentSpace(card, place)
    editor.updateShape({ id: card.id, type: STORY_CARD, x: local.x, y: local.y })
  }
}

/** Creates a story-map shape dropped at `drop` (page coordinates), neatly placed, and selects it. */
function addStoryMapShape(editor: Editor, type: StoryMapShapeType, drop: Point): void {
  const id = createShapeId()
  editor.markHistoryStoppingPoint(`add ${type}`)
  const { steps, slices, cards } = mapBoxes(editor)
  if (type === STORY_CARD) {
    const place = placeStoryCard({ drop, card: defaultStoryCardProps(), steps, slices, cards })
    editor.createShape({ id, type, ...place })
  } else if (type === JOURNEY_STEP) {
    editor.createShape({ id, type, ...placeJourneyStep(drop, defaultJourneyStepProps(), steps) })
  } else {
    const { x, y, w, h } = placeReleaseSlice(drop, defaultReleaseSliceProps(), slices, steps)
    editor.createShape({ id, type, x, y, props: { w, h } })
    // A lane goes behind everything, so the cards in it stay on top.
    editor.sendToBack([id])
  }
  editor.select(id)
}

/** A tool that places one story-map shape where the canvas is clicked, then goes back to selecting. */
abstract class PlaceShapeTool extends StateNode {
  abstract readonly placedType: StoryMapShapeType

  override onEnter() {
    this.editor.setCursor({ type: 'cross', rotation: 0 })
  }

  override onPointerDown() {
    addStoryMapShape(this.editor, this.placedType, this.editor.inputs.getCurrentPagePoint())
    // The new shape is under the pointer: a press on it right after would otherwise be read as the
    // second click of a double-click, and start editing it instead of dragging it.
    this.editor.cancelDoubleClick()
    if (!this.editor.getInstanceState().isToolLocked) this.editor.setCurrentTool('select')
  }

  override onCancel() {
    this.editor.setCurrentTool('select')
  }
}

class StoryCardTool extends PlaceShapeTool {
  static override id = STORY_CARD
  override readonly placedType = STORY_CARD
}

class JourneyStepTool extends PlaceShapeTool {
  static override id = JOURNEY_STEP
  override readonly placedType = JOURNEY_STEP
}

class ReleaseSliceTool extends PlaceShapeTool {
  static override id = RELEASE_SLICE
  override readonly placedType = RELEASE_SLICE
}

const storyMapTools = [StoryCardTool, JourneyStepTool, ReleaseSliceTool]

/**
 * Adds the story-map tools to the editor's state chart. The board passes no `tools` to tldraw, so they
 * join at run time; returns the function that takes them out again.
 */
export function registerStoryMapTools(editor: Editor): () => void {
  const added = storyMapTools.filter((Tool) => !editor.root.children?.[Tool.id])
  for (const Tool of added) editor.setTool(Tool)
  return () => {
    if (added.some((Tool) => editor.getCurrentToolId() === Tool.id)) editor.setCurrentTool('select')
    for (const Tool of added) editor.removeTool(Tool)
  }
}
