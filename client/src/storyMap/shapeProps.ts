import {
  JOURNEY_STEP,
  type JourneyStepProps,
  MOSCOW,
  RELEASE_SLICE,
  type ReleaseSliceProps,
  STORY_CARD,
  type StoryCardProps,
} from '@refinery/shared'
import { type RecordProps, T, type TLShape } from 'tldraw'

declare module 'tldraw' {
  export interface TLGlobalShapePropsMap {
    [STORY_CARD]: StoryCardProps
    [JOURNEY_STEP]: JourneyStepProps
    [RELEASE_SLICE]: ReleaseSliceProps
  }
}

export type StoryCardShape = TLShape<typeof STORY_CARD>
export type JourneyStepShape = TLShape<typeof JOURNEY_STEP>
export type ReleaseSliceShape = TLShape<typeof RELEASE_SLICE>
export type StoryMapShape = StoryCardShape | JourneyStepShape | ReleaseSliceShape

// The same rules as the shared zod schemas, which the server checks: the store refuses what the server would.
const size = { w: T.positiveNumber, h: T.positiveNumber }

export const storyCardShapeProps: RecordProps<StoryCardShape> = {
  ...size,
  title: T.string,
  asA: T.string,
  iWant: T.string,
  soThat: T.string,
  acceptance: T.arrayOf(T.string),
  estimate: T.nullable(T.positiveNumber),
  moscow: T.nullable(T.literalEnum(...MOSCOW)),
  labels: T.arrayOf(T.string),
}

export const journeyStepShapeProps: RecordProps<JourneyStepShape> = {
  ...size,
  title: T.string,
  description: T.string,
}

export const releaseSliceShapeProps: RecordProps<ReleaseSliceShape> = {
  ...size,
  name: T.string,
}

export function isStoryCard(shape: TLShape | undefined): shape is StoryCardShape {
  return shape?.type === STORY_CARD
}

export function isJourneyStep(shape: TLShape | undefined): shape is JourneyStepShape {
  return shape?.type === JOURNEY_STEP
}

export function isReleaseSlice(shape: TLShape | undefined): shape is ReleaseSliceShape {
  return shape?.type === RELEASE_SLICE
}

export function isStoryMapShape(shape: TLShape | undefined): shape is StoryMapShape {
  return isStoryCard(shape) || isJourneyStep(shape) || isReleaseSlice(shape)
}
