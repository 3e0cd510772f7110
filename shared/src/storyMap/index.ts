export {
  type Backlog,
  type BacklogComment,
  type BacklogEpic,
  type BacklogInput,
  type BacklogItem,
  type BacklogLayout,
  type BacklogOptions,
  type BacklogRelease,
  type BacklogWarning,
  backlogFromDoc,
  backlogShapes,
  layoutBacklog,
  storyText,
  toBacklog,
  type Votes,
} from './backlog'
export {
  type BacklogDiff,
  type ChangedItem,
  DIFF_FIELDS,
  type DiffField,
  diffBacklogs,
  type FieldChange,
} from './diff'
export { toJiraCsv } from './jiraCsv'
export { type BacklogMarkdownOptions, toBacklogMarkdown } from './markdown'
export {
  defaultJourneyStepProps,
  defaultReleaseSliceProps,
  defaultStoryCardProps,
  JOURNEY_STEP,
  type JourneyStepProps,
  journeyStepPropsSchema,
  MOSCOW,
  type Moscow,
  RELEASE_SLICE,
  type ReleaseSliceProps,
  releaseSlicePropsSchema,
  STORY_CARD,
  type StoryCardProps,
  type StoryMapShapeType,
  storyCardPropsSchema,
  storyMapPropsSchemas,
} from './shapes'
export { type HorizontalSpan, slicesSpanningSteps } from './sliceSpan'
