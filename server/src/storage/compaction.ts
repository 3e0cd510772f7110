import * as Y from 'yjs'

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
 * The snapshot and updates folded into one state update, garbage-collected, with its state vector.
 * Built through a document rather than `Y.mergeUpdates`, which would keep the content of deleted
 * items.
 */
export function foldUpdates(
  snapshot: Uint8Array | null,
  updates: readonly Uint8Array[],
): { state: Uint8Array; stateVector: Uint8Array } {
  const doc = new Y.Doc()
  doc.transact(() => {
    if (snapshot) Y.applyUpdate(doc, snapshot)
    for (const update of updates) Y.applyUpdate(doc, update)
  })
  const folded = { state: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) }
  doc.destroy()
  return folded
}
