import { plainTextFields, TEXT_FIELD_TABLE, TEXT_LAYOUT, type TextFieldTable } from '@refinery/shared'
import type * as Y from 'yjs'

/** When a board's update log is folded into its snapshot: the one place these thresholds live. */
export const COMPACTION = {
  maxLogUpdates: 500,
  maxLogBytes: 2 * 1024 * 1024,
} as const

export interface LogSize {
  updates: number
  bytes: number
}

export function needsCompaction(log: LogSize): boolean {
  return log.updates >= COMPACTION.maxLogUpdates || log.bytes >= COMPACTION.maxLogBytes
}

/**
 * Whether a fold would change what storage holds: a log to fold in, or a snapshot whose text layout
 * is unknown (folded before it was kept), which otherwise would be decoded at every load for good.
 */
export function needsFold(
  snapshot: Uint8Array | null,
  snapshotTextLayout: number | null,
  updates: readonly unknown[],
): boolean {
  return updates.length > 0 || (snapshot !== null && snapshotTextLayout === null)
}

/** A board's snapshot and update log folded into one state update, with its state vector. */
export interface Folded {
  state: Uint8Array
  stateVector: Uint8Array
  /** `TEXT_LAYOUT` when every text field of the fold is a `Y.Text`, 1 when some are plain strings. */
  textLayout: number
}

/**
 * A board's stored snapshot and updates applied in order to a new document. An update that Yjs cannot
 * apply, or that leaves something waiting for changes that never came (both could be stored before
 * the server checked every update before storing it), is left out, and the rest applies as if it had
 * never been there: one bad record does not cost a board everything stored after it. Self-contained,
 * with Yjs passed in, for the fold worker (see `foldWith`).
 */
export function buildStoredDocument(
  yjs: typeof Y,
  parts: readonly Uint8Array[],
): { doc: Y.Doc; skipped: number } {
  const applies = (doc: Y.Doc, part: Uint8Array) => {
    yjs.applyUpdate(doc, part)
    return doc.store.pendingStructs === null && doc.store.pendingDs === null
  }
  let doc = new yjs.Doc()
  try {
    // The common case, in one transaction: every part applies and leaves nothing pending.
    const clean = doc.transact(() => parts.every((part) => applies(doc, part)))
    if (clean) return { doc, skipped: 0 }
  } catch {
    // Found below, part by part.
  }
  doc.destroy()
  doc = new yjs.Doc()
  const good: Uint8Array[] = []
  let skipped = 0
  for (const part of parts) {
    let applied = false
    try {
      applied = applies(doc, part)
    } catch {
      applied = false
    }
    if (applied) {
      good.push(part)
      continue
    }
    // Whatever it half applied goes with the document it was applied to.
    skipped++
    doc.destroy()
    doc = new yjs.Doc()
    doc.transact(() => {
      for (const part of good) yjs.applyUpdate(doc, part)
    })
  }
  return { doc, skipped }
}

/**
 * The snapshot and updates folded into one state update, garbage-collected, with its state vector.
 * Built through a document rather than `Y.mergeUpdates`, which would keep the content of deleted
 * items; what `buildStoredDocument` leaves out is gone from the fold. Self-contained, with Yjs and
 * `buildStoredDocument` passed in: the fold worker (see `FoldWorker`) runs this function's own
 * source, so the thread and the tests run the same code.
 */
export function foldWith(
  yjs: typeof Y,
  snapshot: Uint8Array | null,
  updates: readonly Uint8Array[],
  build: typeof buildStoredDocument = buildStoredDocument,
  plainText: typeof plainTextFields = plainTextFields,
  layout: { current: number; fields: TextFieldTable } = { current: TEXT_LAYOUT, fields: TEXT_FIELD_TABLE },
): Folded {
  const { doc } = build(yjs, snapshot ? [snapshot, ...updates] : updates)
  const folded = {
    state: yjs.encodeStateAsUpdate(doc),
    stateVector: yjs.encodeStateVector(doc),
    textLayout: plainText(yjs, doc, layout.fields, false) === 0 ? layout.current : 1,
  }
  doc.destroy()
  return folded
}
