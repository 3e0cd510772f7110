import {
  type DocumentRecord,
  getRecords,
  isDocumentRecord,
  jsonEqual,
  putRecord,
  yMapToRecord,
} from '@refinery/shared'
import {
  DocumentRecordType,
  type IndexKey,
  PageRecordType,
  TLDOCUMENT_ID,
  type TLRecord,
  type TLStore,
} from 'tldraw'
import * as Y from 'yjs'

type RecordMaps = ReturnType<typeof getRecords>

/**
 * The page a new board starts with: tldraw's own default id, so two people who open one empty board
 * at once both write `page:page` and the merge keeps one page instead of two.
 */
const FIRST_PAGE = PageRecordType.create({
  id: PageRecordType.createId('page'),
  name: 'Page 1',
  index: 'a1' as IndexKey,
  meta: {},
})

/** Undo and redo of one person's typing in one text field; each answers whether it changed anything. */
export interface TextHistory {
  undo(): boolean
  redo(): boolean
}

/** Where a text field is: a shape's prop, and for a list of texts (acceptance criteria) the entry. */
export interface TextFieldAddress {
  shapeId: string
  key: string
  index?: number | undefined
}

export interface StoreBinding {
  stop(): void
  /**
   * This client's typing in one text field, to undo and redo it alone: someone else's typing in the
   * same field stays (Yjs's UndoManager on that field's `Y.Text`). Null for a field that is not a
   * `Y.Text`. Ask before the typing to undo: the history starts when it is first asked for.
   */
  textHistory(field: TextFieldAddress): TextHistory | null
  /**
   * Runs an undo or redo. tldraw undoes by putting back whole records as they were, which would also
   * revert what others changed in them since; inside `replay` a field is written back only if the
   * document still holds what this client last wrote there, and the store takes the rest from Yjs.
   */
  replay(undoOrRedo: () => void): void
}

/**
 * Keeps a tldraw store and a Yjs document in step, with Yjs as the source of truth for the board's
 * document records. The store takes what the document holds (or seeds an empty document with a
 * first page); from then on the store's own edits go to Yjs, and everyone else's come back in through
 * `mergeRemoteChanges`, so they never echo back nor land on the local undo stack.
 */
export interface BindingOptions {
  /**
   * When everyone else's changes reach the store: at once (by default), or batched until `schedule`
   * calls the flush it is given (the board page: the next frame, `nextFrame`).
   */
  schedule?: (flush: () => void) => void
}

/**
 * Calls `run` at the next animation frame, or after 100 ms where frames do not come (a hidden tab).
 * Twenty people moving cards send a change every few milliseconds; applied one by one, each would
 * make tldraw and React render the board again, several times a frame, though the screen shows one.
 */
export function nextFrame(run: () => void): void {
  let done = false
  const once = () => {
    if (done) return
    done = true
    cancelAnimationFrame(frame)
    clearTimeout(timer)
    run()
  }
  const frame = requestAnimationFrame(once)
  const timer = setTimeout(once, 100)
}

export function bindStoreToYDoc(store: TLStore, doc: Y.Doc, options: BindingOptions = {}): StoreBinding {
  const records = getRecords(doc)
  // Marks this binding's own transactions, so its observer can tell them from everyone else's.
  const origin = { binding: 'tldraw store' }
  const written = new LastWritten()
  let replaying = false

  if (records.size > 0) {
    applyDocumentRecords(store, records, new Set([...records.keys(), ...documentRecordIds(store)]))
  } else {
    seedDocument(store, doc, origin, written)
  }

  const stopListening = store.listen(
    ({ changes }) => {
      const keptTheirs = new Set<string>()
      doc.transact(() => {
        for (const record of Object.values(changes.added)) writeRecord(records, record, written)
        for (const [from, to] of Object.values(changes.updated)) {
          if (!writeUpdate(records, from, to, written, replaying)) keptTheirs.add(to.id)
        }
        for (const record of Object.values(changes.removed)) {
          if (isDocumentRecord(record)) records.delete(record.id)
        }
      }, origin)
      // An undo left someone else's later change in the document: the store shows it again.
      if (keptTheirs.size > 0) applyDocumentRecords(store, records, keptTheirs)
    },
    { source: 'user', scope: 'document' },
  )

  // Records everyone else changed that the store does not show yet.
  const theirs = new Set<string>()
  let stopped = false
  const showTheirs = () => {
    if (stopped || theirs.size === 0) return
    // Local edits that tldraw has not reported yet (it reports once a frame) go to Yjs first, so the
    // records rebuilt from Yjs below still hold them.
    store._flushHistory()
    const ids = [...theirs]
    theirs.clear()
    applyDocumentRecords(store, records, ids)
  }
  const onRecordsChanged = (events: Y.YEvent<Y.AbstractType<unknown>>[], transaction: Y.Transaction) => {
    if (transaction.origin === origin) return
    const waiting = theirs.size > 0
    for (const id of changedRecordIds(records, events)) theirs.add(id)
    if (!options.schedule) showTheirs()
    else if (!waiting) options.schedule(showTheirs)
  }
  records.observeDeep(onRecordsChanged)

  const histories = new Map<Y.Text, Y.UndoManager>()

  return {
    stop() {
      stopped = true
      stopListening()
      records.unobserveDeep(onRecordsChanged)
      for (const history of histories.values()) history.destroy()
      histories.clear()
    },
    textHistory({ shapeId, key, index }) {
      const props = records.get(shapeId)?.get('props')
      let text = props instanceof Y.Map ? props.get(key) : undefined
      if (index !== undefined) text = text instanceof Y.Array ? text.get(index) : undefined
      if (!(text instanceof Y.Text)) return null
      let history = histories.get(text)
      if (!history) {
        // Typing pauses of half a second or more separate the steps, as in a text editor.
        history = new Y.UndoManager(text, { trackedOrigins: new Set([origin]), captureTimeout: 500 })
        histories.set(text, history)
      }
      const manager = history
      return { undo: () => manager.undo() !== null, redo: () => manager.redo() !== null }
    },
    replay(undoOrRedo) {
      // An undo takes back from what the board shows now, everyone's latest changes included.
      showTheirs()
      replaying = true
      try {
        undoOrRedo()
        // tldraw reports changes once a frame; the undo's must be written while `replaying` holds.
        store._flushHistory()
      } finally {
        replaying = false
      }
    },
  }
}

/** What this client last wrote into each field of each record (`x`, `props.color`…). */
class LastWritten {
  private readonly fields = new Map<string, Map<string, unknown>>()

  set(id: string, path: string, value: unknown): void {
    let record = this.fields.get(id)
    if (!record) {
      record = new Map()
      this.fields.set(id, record)
    }
    record.set(path, value)
  }

  /** Whether `now` is still what this client last wrote there: nobody else changed it since. */
  isOwn(id: string, path: string, now: unknown): boolean {
    const record = this.fields.get(id)
    return record?.has(path) === true && jsonEqual(record.get(path), now)
  }
}

/** tldraw's record types have no index signature, but every record is a plain JSON object. */
function asDocumentRecord(record: TLRecord): DocumentRecord {
  return record as unknown as DocumentRecord
}

function writeRecord(records: RecordMaps, record: TLRecord, written: LastWritten): void {
  if (!isDocumentRecord(record)) return
  const fields = asDocumentRecord(record)
  putRecord(records, fields)
  for (const [field, value] of Object.entries(fields)) {
    if ((field === 'props' || field === 'meta') && isFields(value)) {
      for (const [key, nested] of Object.entries(value)) written.set(record.id, `${field}.${key}`, nested)
    } else {
      written.set(record.id, field, value)
    }
  }
}

/**
 * Writes only what a local update changed, onto what Yjs holds now: tldraw's whole record could undo a
 * remote change that reached Yjs after this edit was made but before tldraw reported it. When
 * `replaying` an undo or redo, a field someone else has changed since this client wrote it keeps their
 * value. Answers false when it kept any.
 */
function writeUpdate(
  records: RecordMaps,
  from: TLRecord,
  to: TLRecord,
  written: LastWritten,
  replaying: boolean,
): boolean {
  if (!isDocumentRecord(to)) return true
  const current = records.get(to.id)
  if (!(current instanceof Y.Map)) {
    writeRecord(records, to, written)
    return true
  }
  let keptTheirs = false
  const changes = withChanges(yMapToRecord(current), asDocumentRecord(from), asDocumentRecord(to), {
    accept(path, now) {
      if (!replaying || written.isOwn(to.id, path, now)) return true
      keptTheirs = true
      return false
    },
    wrote: (path, value) => written.set(to.id, path, value),
  })
  putRecord(records, changes, asDocumentRecord(from))
  return !keptTheirs
}

type Fields = Record<string, unknown>

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

interface ChangeRules {
  /** Whether to write the change of the field at `path`, which holds `now` in the document. */
  accept(path: string, now: unknown): boolean
  wrote(path: string, value: unknown): void
}

/**
 * `current`, with each field that differs between `before` and `after` set as in `after`; `props` and
 * `meta` key by key, as the document stores them.
 */
function withChanges<T extends Fields>(
  current: T,
  before: Fields,
  after: Fields,
  rules: ChangeRules,
  prefix = '',
): T {
  const next: Fields = { ...current }
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = before[field]
    const is = after[field]
    const now = current[field]
    if (jsonEqual(was, is)) continue
    const nested = prefix === '' && (field === 'props' || field === 'meta')
    if (nested && isFields(was) && isFields(is) && isFields(now)) {
      next[field] = withChanges(now, was, is, rules, `${field}.`)
      continue
    }
    const path = `${prefix}${field}`
    if (!rules.accept(path, now)) continue
    if (!(field in after)) delete next[field]
    else next[field] = is
    rules.wrote(path, is)
  }
  return next as T
}

function documentRecordIds(store: TLStore): string[] {
  return store
    .allRecords()
    .filter((record) => isDocumentRecord(record))
    .map((record) => record.id)
}

/** Writes the store's document records into an empty Yjs document, adding the first page if needed. */
function seedDocument(store: TLStore, doc: Y.Doc, origin: object, written: LastWritten): void {
  const missing: TLRecord[] = []
  if (!store.has(TLDOCUMENT_ID)) missing.push(DocumentRecordType.create({ id: TLDOCUMENT_ID }))
  if (!store.allRecords().some((record) => record.typeName === 'page')) missing.push(FIRST_PAGE)
  if (missing.length > 0) store.mergeRemoteChanges(() => store.put(missing))
  const records = getRecords(doc)
  doc.transact(() => {
    for (const record of store.allRecords()) writeRecord(records, record, written)
  }, origin)
}

/** The ids of the records that a batch of Yjs events touched, at any depth. */
function changedRecordIds(records: RecordMaps, events: Y.YEvent<Y.AbstractType<unknown>>[]): Set<string> {
  const ids = new Set<string>()
  for (const event of events) {
    if (event.target === records) {
      for (const id of event.changes.keys.keys()) ids.add(id)
    } else {
      const [id] = event.path
      if (typeof id === 'string') ids.add(id)
    }
  }
  return ids
}

/**
 * Brings the store's copies of `ids` in line with the Yjs document, in one remote change. A record
 * that does not validate is skipped with a warning, so one bad record never stops the others.
 */
function applyDocumentRecords(store: TLStore, records: RecordMaps, ids: Iterable<string>): void {
  const toPut: TLRecord[] = []
  const toRemove: TLRecord['id'][] = []
  for (const id of ids) {
    const map = records.get(id)
    if (map instanceof Y.Map) {
      const record = validRemoteRecord(store, id, yMapToRecord(map))
      if (record) toPut.push(record)
    } else {
      const existing = store.get(id as TLRecord['id'])
      if (existing && isDocumentRecord(existing)) toRemove.push(existing.id)
    }
  }
  if (toPut.length === 0 && toRemove.length === 0) return
  store.mergeRemoteChanges(() => {
    if (toRemove.length > 0) store.remove(toRemove)
    if (toPut.length > 0) store.put(toPut)
  })
}

function validRemoteRecord(store: TLStore, key: string, record: DocumentRecord): TLRecord | null {
  try {
    if (record.id !== key) throw new Error(`the record says its id is ${String(record.id)}`)
    if (!isDocumentRecord(record)) throw new Error(`${String(record.typeName)} records are not shared`)
    const before = store.get(record.id as TLRecord['id']) ?? null
    const phase = before ? 'updateRecord' : 'createRecord'
    const kept = keepUnchangedParts(record, before)
    return store.schema.validateRecord(store, kept as unknown as TLRecord, phase, before)
  } catch (error) {
    console.warn(`Refinery: skipped the board record ${key}, which does not validate`, error)
    return null
  }
}

/**
 * `record` with the store's own `props` and `meta` objects where they hold the same: tldraw re-renders
 * a shape and measures its label in the DOM again only when its props object changes, so a card
 * someone else drags is moved on this screen, not drawn and measured anew at every step.
 */
function keepUnchangedParts(record: DocumentRecord, before: TLRecord | null): DocumentRecord {
  if (!before) return record
  const previous = asDocumentRecord(before)
  const kept = { ...record }
  for (const field of ['props', 'meta']) {
    if (jsonEqual(record[field], previous[field])) kept[field] = previous[field]
  }
  return kept
}
