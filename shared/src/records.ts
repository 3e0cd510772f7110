import * as Y from 'yjs'
import { jsonEqual } from './json'
import { changeText, changeTextList } from './text'
import type { TextFieldTable } from './textLayout'

/**
 * The board document layout (CONTRACT section 5): one root `Y.Map` named `records`, holding a
 * `Y.Map` per tldraw document record. `props` and `meta` are nested `Y.Map`s so that two people who
 * change different keys of one shape at once both keep their change; every other field is plain JSON.
 */
export const RECORDS_KEY = 'records'
/** Dot votes, `cardId|userId` → dots. Written by the server only. */
export const VOTES_KEY = 'votes'
/** The root maps only the server writes, through its routes (CONTRACT section 5). */
export const SERVER_OWNED_ROOTS: ReadonlySet<string> = new Set([VOTES_KEY, 'facilitation', 'poker'])

const NESTED_FIELDS = ['props', 'meta'] as const

/**
 * A shape's place: written together whenever one of them changes, so that every key of the group has
 * the same history and Yjs picks the same winner for each of them. Two people who drag one shape at
 * once leave it where one of them put it, never at one's `x` and the other's `y` (CONTRACT section 5).
 */
export const PLACEMENT_FIELDS: readonly string[] = ['x', 'y', 'rotation']

/**
 * The props people type into together, per shape type: each a `Y.Text` in the document (CONTRACT
 * section 5), and each entry of a list field a `Y.Text` in a `Y.Array`. tldraw sees plain strings.
 */
export const TEXT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'story-card': ['title', 'asA', 'iWant', 'soThat'],
  'journey-step': ['title', 'description'],
  'release-slice': ['name'],
}
export const TEXT_LIST_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'story-card': ['acceptance'],
}

export const TEXT_FIELD_TABLE: TextFieldTable = { text: TEXT_FIELDS, list: TEXT_LIST_FIELDS }

/** How a prop of a shape of `type` is kept: as text, as a list of texts, or as a plain value. */
export function textKind(type: unknown, key: string): 'text' | 'list' | null {
  if (typeof type !== 'string') return null
  if (TEXT_FIELDS[type]?.includes(key)) return 'text'
  if (TEXT_LIST_FIELDS[type]?.includes(key)) return 'list'
  return null
}

function isTextList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string')
}

function textsOf(list: Y.Array<unknown>): string[] {
  return list.toArray().map((entry) => (entry instanceof Y.Text ? entry.toString() : String(entry)))
}

/** The document's form of a prop: a `Y.Text` (or `Y.Array` of them) for text fields, else the value. */
function propValue(type: unknown, key: string, value: unknown): unknown {
  const kind = textKind(type, key)
  if (kind === 'text' && typeof value === 'string') return new Y.Text(value)
  if (kind === 'list' && isTextList(value)) {
    const list = new Y.Array<Y.Text>()
    list.push(value.map((entry) => new Y.Text(entry)))
    return list
  }
  return value
}

/** Record types that belong to the shared document; camera, instance and presence stay local. */
export const DOCUMENT_TYPE_NAMES: ReadonlySet<string> = new Set([
  'shape',
  'page',
  'binding',
  'asset',
  'document',
])

export interface DocumentRecord {
  id: string
  typeName: string
  [field: string]: unknown
}

export type RecordMap = Y.Map<unknown>

export function getRecords(doc: Y.Doc): Y.Map<RecordMap> {
  return doc.getMap<RecordMap>(RECORDS_KEY)
}

export function isDocumentRecord(record: { typeName: string }): boolean {
  return DOCUMENT_TYPE_NAMES.has(record.typeName)
}

function isNestedField(field: string): field is (typeof NESTED_FIELDS)[number] {
  return field === 'props' || field === 'meta'
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function setNested(target: Y.Map<unknown>, values: Record<string, unknown>, type?: unknown): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) target.set(key, type === undefined ? value : propValue(type, key, value))
  }
}

/** The shape type whose text fields a record's `props` hold, or undefined for any other record. */
function shapeType(record: DocumentRecord): unknown {
  return record.typeName === 'shape' ? record.type : undefined
}

/** A new `Y.Map` holding `record` in the document layout. */
export function recordToYMap(record: DocumentRecord): RecordMap {
  const map = new Y.Map<unknown>()
  for (const [field, value] of Object.entries(record)) {
    if (value === undefined) continue
    if (isNestedField(field) && isPlainObject(value)) {
      const nested = new Y.Map<unknown>()
      setNested(nested, value, field === 'props' ? shapeType(record) : undefined)
      map.set(field, nested)
    } else {
      map.set(field, value)
    }
  }
  return map
}

/** The plain record a `Y.Map` of the document layout holds. */
export function yMapToRecord(map: RecordMap): DocumentRecord {
  return map.toJSON() as DocumentRecord
}

/**
 * Writes into `map` only the fields (and `props`/`meta` keys) that differ from what it holds, so a
 * concurrent change to another field of the same record survives the merge. A text field changes by
 * the splice from what `before` held to what `next` holds (from what the document holds, without
 * `before`), so that someone else's typing in it at the same moment survives too.
 */
export function updateRecordMap(map: RecordMap, next: DocumentRecord, before?: DocumentRecord): void {
  for (const field of map.keys()) {
    if (!(field in next) || next[field] === undefined) map.delete(field)
  }
  const moved = PLACEMENT_FIELDS.some((field) => field in next && !jsonEqual(map.get(field), next[field]))
  for (const [field, value] of Object.entries(next)) {
    if (value === undefined) continue
    const current = map.get(field)
    if (moved && PLACEMENT_FIELDS.includes(field)) {
      map.set(field, value)
      continue
    }
    if (isNestedField(field) && isPlainObject(value)) {
      const type = field === 'props' ? shapeType(next) : undefined
      const was = before?.[field]
      if (current instanceof Y.Map) {
        for (const key of current.keys()) {
          if (!(key in value) || value[key] === undefined) current.delete(key)
        }
        for (const [key, nestedValue] of Object.entries(value)) {
          if (nestedValue === undefined) continue
          const previous = isPlainObject(was) ? was[key] : undefined
          if (!changeTypedText(current, type, key, previous, nestedValue)) {
            if (!jsonEqual(current.get(key), nestedValue)) current.set(key, nestedValue)
          }
        }
      } else {
        const nested = new Y.Map<unknown>()
        setNested(nested, value, type)
        map.set(field, nested)
      }
    } else if (current instanceof Y.AbstractType || !jsonEqual(current, value)) {
      map.set(field, value)
    }
  }
}

/**
 * Writes `value` into the text field `key` of `props` (a shape of `type`), as a splice where the
 * document holds a `Y.Text` and as a new one where it holds a plain string; false when `key` is not a
 * text field or `value` not text, for the caller to write as any other value.
 */
function changeTypedText(
  props: Y.Map<unknown>,
  type: unknown,
  key: string,
  before: unknown,
  value: unknown,
): boolean {
  const kind = textKind(type, key)
  const current = props.get(key)
  if (kind === 'text' && typeof value === 'string') {
    if (current instanceof Y.Text)
      changeText(current, typeof before === 'string' ? before : current.toString(), value)
    else props.set(key, propValue(type, key, value))
    return true
  }
  if (kind === 'list' && isTextList(value)) {
    if (current instanceof Y.Array)
      changeTextList(current, isTextList(before) ? before : textsOf(current), value)
    else props.set(key, propValue(type, key, value))
    return true
  }
  return false
}

/**
 * Puts `record` into the document: a new `Y.Map` if it is new, a field-level update otherwise
 * (`before`: the record as the change was made on, for text fields; see `updateRecordMap`).
 */
export function putRecord(records: Y.Map<RecordMap>, record: DocumentRecord, before?: DocumentRecord): void {
  const existing = records.get(record.id)
  if (existing instanceof Y.Map) updateRecordMap(existing, record, before)
  else records.set(record.id, recordToYMap(record))
}

/** All records in the document, skipping any value that is not a record map. */
export function readRecords(doc: Y.Doc): DocumentRecord[] {
  const out: DocumentRecord[] = []
  for (const value of getRecords(doc).values()) {
    if (value instanceof Y.Map) out.push(yMapToRecord(value))
  }
  return out
}
