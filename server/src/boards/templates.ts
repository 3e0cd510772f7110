import {
  type BoardTemplate,
  type DocumentRecord,
  defaultJourneyStepProps,
  defaultReleaseSliceProps,
  getRecords,
  JOURNEY_STEP,
  putRecord,
  RELEASE_SLICE,
} from '@refinery/shared'
import type * as Y from 'yjs'

/** The page every board starts on; clients seed the same ids, so concurrent seeds merge. */
const PAGE_ID = 'page:page'

const base = (id: string, type: string, x: number, y: number, index: string): DocumentRecord => ({
  id,
  typeName: 'shape',
  type,
  x,
  y,
  rotation: 0,
  index,
  parentId: PAGE_ID,
  isLocked: false,
  opacity: 1,
  meta: {},
})

const STEPS = ['Discover', 'Sign up', 'Use it', 'Get help'] as const
const SLICES = ['MVP', 'Release 2', 'Later'] as const
const STEP_GAP = 20

/**
 * A story map to start from: journey steps along the top, and the release slices "MVP", "Release 2"
 * and "Later" as lanes under them. Slices come first in z-order, so cards sit on top of them.
 */
export function storyMapRecords(): DocumentRecord[] {
  const step = defaultJourneyStepProps()
  const slice = defaultReleaseSliceProps()
  const width = STEPS.length * (step.w + STEP_GAP) + 2 * STEP_GAP
  const records: DocumentRecord[] = [
    { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} },
    { id: PAGE_ID, typeName: 'page', name: 'Story map', index: 'a1', meta: {} },
  ]
  SLICES.forEach((name, i) => {
    records.push({
      ...base(
        `shape:slice-${i + 1}`,
        RELEASE_SLICE,
        -STEP_GAP,
        step.h + 40 + i * (slice.h + STEP_GAP),
        `a${i + 1}`,
      ),
      props: { ...slice, w: width, name },
    })
  })
  STEPS.forEach((title, i) => {
    records.push({
      ...base(
        `shape:step-${i + 1}`,
        JOURNEY_STEP,
        STEP_GAP + i * (step.w + STEP_GAP),
        0,
        `a${SLICES.length + i + 1}`,
      ),
      props: { ...step, title },
    })
  })
  return records
}

/** Writes a template's records into a new board's document. */
export function applyTemplate(doc: Y.Doc, template: BoardTemplate): void {
  if (template !== 'story-map') return
  const records = getRecords(doc)
  for (const record of storyMapRecords()) putRecord(records, record)
}
