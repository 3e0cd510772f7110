import { z } from 'zod'
import { boardTitle } from './api'
import { DOCUMENT_TYPE_NAMES, type DocumentRecord } from './records'
import { type StoryMapShapeType, storyMapPropsSchemas } from './storyMap/shapes'

/** The board file of CONTRACT section 9: a board's records as plain JSON, to keep or to import. */
export const BOARD_FILE_FORMAT = 'refinery-board'
export const BOARD_FILE_VERSION = 1
export const BOARD_FILE_TYPE = 'application/vnd.refinery.board+json'

export interface BoardFile {
  format: typeof BOARD_FILE_FORMAT
  version: typeof BOARD_FILE_VERSION
  title: string
  exportedAt: string
  records: DocumentRecord[]
}

export function boardFile(title: string, records: DocumentRecord[], exportedAt = new Date()): BoardFile {
  return {
    format: BOARD_FILE_FORMAT,
    version: BOARD_FILE_VERSION,
    title,
    exportedAt: exportedAt.toISOString(),
    records,
  }
}

/** Why a board file cannot be imported, in words for the person who picked it. */
export interface BoardFileRefusal {
  reason: string
}

const storyMapTypes: ReadonlySet<string> = new Set(Object.keys(storyMapPropsSchemas))

/** A record of the file: an object with an `id` and one of the document's record types (CONTRACT section 5). */
const documentRecordSchema = z.looseObject({
  id: z.string().min(1),
  typeName: z.string().refine((typeName) => DOCUMENT_TYPE_NAMES.has(typeName), 'not a board record type'),
})

const boardFileSchema = z.object({
  format: z.literal(BOARD_FILE_FORMAT),
  version: z.number().int().positive(),
  title: boardTitle,
  exportedAt: z.string(),
  records: z.array(documentRecordSchema),
})

/**
 * The board file `json` holds, checked: its format, a version this code can read, and records the
 * document takes (each id once, story-map shapes with the props of their type). A board file of a
 * later version is refused with that reason rather than read as far as it goes.
 */
export function readBoardFile(json: unknown): BoardFile | BoardFileRefusal {
  const version = (json as { version?: unknown } | null)?.version
  if (typeof version === 'number' && version > BOARD_FILE_VERSION) {
    return {
      reason: `the file is a board file of version ${version}; this Refinery reads version ${BOARD_FILE_VERSION}`,
    }
  }
  const parsed = boardFileSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { reason: `${issue?.path.join('.') || 'the file'}: ${issue?.message ?? 'not a board file'}` }
  }
  const records = parsed.data.records as DocumentRecord[]
  const ids = new Set<string>()
  for (const [i, record] of records.entries()) {
    if (ids.has(record.id)) return { reason: `records.${i}: the id ${record.id} is there twice` }
    ids.add(record.id)
    if (record.typeName !== 'shape' || typeof record.type !== 'string' || !storyMapTypes.has(record.type))
      continue
    const props = storyMapPropsSchemas[record.type as StoryMapShapeType].safeParse(record.props)
    if (!props.success) {
      const issue = props.error.issues[0]
      return { reason: `records.${i} (${record.id}): props.${issue?.path.join('.')}: ${issue?.message}` }
    }
  }
  return { ...parsed.data, format: BOARD_FILE_FORMAT, version: BOARD_FILE_VERSION, records }
}
