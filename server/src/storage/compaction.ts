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

/** A board's snapshot and update log folded into one state update, with its state vector. */
export interface Folded {
  state: Uint8Array
  stateVector: Uint8Array
}

/**
 * The snapshot and updates folded into one state update, garbage-collected, with its state vector.
 * Built through a document rather than `Y.mergeUpdates`, which would keep the content of deleted
 * items. Self-contained, with Yjs passed in: the fold worker (see `FoldWorker`) runs this function's
 * own source, so the thread and the tests run the same code.
 */
export function foldWith(yjs: typeof Y, snapshot: Uint8Array | null, updates: readonly Uint8Array[]): Folded {
  const doc = new yjs.Doc()
  doc.transact(() => {
    if (snapshot) yjs.applyUpdate(doc, snapshot)
    for (const update of updates) yjs.applyUpdate(doc, update)
  })
  const folded = { state: yjs.encodeStateAsUpdate(doc), stateVector: yjs.encodeStateVector(doc) }
  doc.destroy()
  return folded
}
