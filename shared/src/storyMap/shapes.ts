import { z } from 'zod'

/** The tldraw `type` of each story-map shape (CONTRACT section 5). */
export const STORY_CARD = 'story-card'
export const JOURNEY_STEP = 'journey-step'
export const RELEASE_SLICE = 'release-slice'

export type StoryMapShapeType = typeof STORY_CARD | typeof JOURNEY_STEP | typeof RELEASE_SLICE

/** MoSCoW priorities, most important first. */
export const MOSCOW = ['must', 'should', 'could', 'wont'] as const
export type Moscow = (typeof MOSCOW)[number]

const size = { w: z.number().nonnegative(), h: z.number().nonnegative() }

/**
 * Props of each shape, shared by the client's shape utils and the server's validation. Unknown keys
 * are stripped rather than refused, so a client one version ahead does not lose its cards.
 */
export const storyCardPropsSchema = z.object({
  ...size,
  title: z.string(),
  asA: z.string(),
  iWant: z.string(),
  soThat: z.string(),
  acceptance: z.array(z.string()),
  estimate: z.number().nonnegative().nullable(),
  moscow: z.enum(MOSCOW).nullable(),
  labels: z.array(z.string()),
})

export const journeyStepPropsSchema = z.object({
  ...size,
  title: z.string(),
  description: z.string(),
})

export const releaseSlicePropsSchema = z.object({
  ...size,
  name: z.string(),
})

export type StoryCardProps = z.infer<typeof storyCardPropsSchema>
export type JourneyStepProps = z.infer<typeof journeyStepPropsSchema>
export type ReleaseSliceProps = z.infer<typeof releaseSlicePropsSchema>

/** The props schema of each story-map shape type. */
export const storyMapPropsSchemas = {
  [STORY_CARD]: storyCardPropsSchema,
  [JOURNEY_STEP]: journeyStepPropsSchema,
  [RELEASE_SLICE]: releaseSlicePropsSchema,
} as const

// Functions rather than constants: each new shape needs arrays of its own to edit.

/** Props of a new, empty story card. */
export function defaultStoryCardProps(): StoryCardProps {
  return {
    w: 240,
    h: 150,
    title: '',
    asA: '',
    iWant: '',
    soThat: '',
    acceptance: [],
    estimate: null,
    moscow: null,
    labels: [],
  }
}

/** Props of a new journey step: a column header as wide as one card. */
export function defaultJourneyStepProps(): JourneyStepProps {
  return { w: 240, h: 100, title: '', description: '' }
}

/** Props of a new release slice: a lane wide enough to cross a whole journey. */
export function defaultReleaseSliceProps(): ReleaseSliceProps {
  return { w: 2000, h: 400, name: '' }
}
