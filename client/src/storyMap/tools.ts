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
import { type Box, placeJourneyStep, placeReleaseSlice, placeStoryCard, type Point } from './placement'
import { isJourneyStep, isReleaseSlice, isStoryCard } from './shapeProps'

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

/** Moves a new story card into its column, under the step and the cards it was dropped on. */
export function snapStoryCard(editor: Editor, id: TLShapeId): void {
  const card = editor.getShape(id)
  const bounds = editor.getShapePageBounds(id)
  if (!isStoryCard(card) || !bounds) return
  const { steps, slices, cards } = mapBoxes(editor, id)
  const place = placeStoryCard({ drop: bounds.center, card: bounds, steps, slices, cards })
  editor.updateShape({ id, type: STORY_CARD, x: place.x, y: place.y })
}

/** Creates a story-map shape dropped at `drop` (page coordinates), neatly placed, and selects it. */
export function addStoryMapShape(editor: Editor, type: StoryMapShapeType, drop: Point): TLShapeId {
  const id = createShapeId()
  editor.markHistoryStoppingPoint(`add ${type}`)
  const { steps, slices, cards } = mapBoxes(editor)
  if (type === STORY_CARD) {
    const place = placeStoryCard({ drop, card: defaultStoryCardProps(), steps, slices, cards })
    editor.createShape({ id, type, ...place })
  } else if (type === JOURNEY_STEP) {
    editor.createShape({ id, type, ...placeJourneyStep(drop, defaultJourneyStepProps(), steps) })
  } else {
    const { x, y, w, h } = placeReleaseSlice(drop, defaultReleaseSliceProps(), slices)
    editor.createShape({ id, type, x, y, props: { w, h } })
    // A lane goes behind everything, so the cards in it stay on top.
    editor.sendToBack([id])
  }
  editor.select(id)
  return id
}

/** A tool that places one story-map shape where the canvas is clicked, then goes back to selecting. */
abstract class PlaceShapeTool extends StateNode {
  abstract readonly placedType: StoryMapShapeType

  override onEnter() {
    this.editor.setCursor({ type: 'cross', rotation: 0 })
  }

  override onPointerDown() {
    addStoryMapShape(this.editor, this.placedType, this.editor.inputs.getCurrentPagePoint())
    if (!this.editor.getInstanceState().isToolLocked) this.editor.setCurrentTool('select')
  }

  override onCancel() {
    this.editor.setCurrentTool('select')
  }
}

export class StoryCardTool extends PlaceShapeTool {
  static override id = STORY_CARD
  override readonly placedType = STORY_CARD
}

export class JourneyStepTool extends PlaceShapeTool {
  static override id = JOURNEY_STEP
  override readonly placedType = JOURNEY_STEP
}

export class ReleaseSliceTool extends PlaceShapeTool {
  static override id = RELEASE_SLICE
  override readonly placedType = RELEASE_SLICE
}

export const storyMapTools = [StoryCardTool, JourneyStepTool, ReleaseSliceTool]

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
