import * as Y from 'yjs'
import { jsonEqual } from './json'

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

function setNested(target: Y.Map<unknown>, values: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) target.set(key, value)
  }
}

/** A new `Y.Map` holding `record` in the document layout. */
export function recordToYMap(record: DocumentRecord): RecordMap {
  const map = new Y.Map<unknown>()
  for (const [field, value] of Object.entries(record)) {
    if (value === undefined) continue
    if (isNestedField(field) && isPlainObject(value)) {
      const nested = new Y.Map<unknown>()
      setNested(nested, value)
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
 * concurrent change to another field of the same record survives the merge.
 */
export function updateRecordMap(map: RecordMap, next: DocumentRecord): void {
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
      if (current instanceof Y.Map) {
        for (const key of current.keys()) {
          if (!(key in value) || value[key] === undefined) current.delete(key)
        }
        for (const [key, nestedValue] of Object.entries(value)) {
          if (nestedValue !== undefined && !jsonEqual(current.get(key), nestedValue)) {
            current.set(key, nestedValue)
          }
        }
      } else {
        const nested = new Y.Map<unknown>()
        setNested(nested, value)
        map.set(field, nested)
      }
    } else if (current instanceof Y.AbstractType || !jsonEqual(current, value)) {
      map.set(field, value)
    }
  }
}

/** Puts `record` into the document: a new `Y.Map` if it is new, a field-level update otherwise. */
export function putRecord(records: Y.Map<RecordMap>, record: DocumentRecord): void {
  const existing = records.get(record.id)
  if (existing instanceof Y.Map) updateRecordMap(existing, record)
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
