import type { TLAnyShapeUtilConstructor, TLComponents } from 'tldraw'
import { JourneyStepShapeUtil } from './JourneyStepShapeUtil'
import { ReleaseSliceShapeUtil } from './ReleaseSliceShapeUtil'
import { StoryCardShapeUtil } from './StoryCardShapeUtil'
import { StoryMapLayer } from './StoryMapLayer'
import { StoryMapStylePanel } from './StoryMapStylePanel'
import { StoryMapToolbar } from './StoryMapToolbar'

/** The story-map shapes (story card, journey step, release slice), registered with every board's store. */
export const storyMapShapeUtils: TLAnyShapeUtilConstructor[] = [
  StoryCardShapeUtil,
  JourneyStepShapeUtil,
  ReleaseSliceShapeUtil,
]

/** The tools that add story-map shapes, with their keyboard shortcuts (c, j, s). */
export { storyMapOverrides } from './overrides'

/** Story-map pieces of the editor's UI (toolbar group, card panel, dots). */
export const storyMapComponents: TLComponents = {
  Toolbar: StoryMapToolbar,
  StylePanel: StoryMapStylePanel,
  InFrontOfTheCanvas: StoryMapLayer,
}
