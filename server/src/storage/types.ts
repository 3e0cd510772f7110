/** An update a client sent for a board, merged per event-loop turn. */
export interface BoardUpdate {
  boardId: string
  update: Uint8Array
}

/** What storage holds for one board: the latest snapshot and the updates logged after it. */
export interface StoredDocument {
  snapshot: Uint8Array | null
  /**
   * The snapshot's state vector, stored beside it: reading it from the snapshot itself means decoding
   * every struct (about 12 ms for 5,000 cards). Null without a snapshot, or for one stored before it
   * was kept.
   */
  snapshotStateVector: Uint8Array | null
  /**
   * The text layout (`TEXT_LAYOUT`) of the snapshot's document, found when it was folded: a snapshot
   * of the current layout needs no conversion, so it can answer clients without being decoded. Null
   * without a snapshot, or for one folded before this was kept.
   */
  snapshotTextLayout: number | null
  updates: Uint8Array[]
}

/**
 * Where board documents live. The sync core talks only to this interface, so SQLite and
 * PostgreSQL plug in alike. Every method is safe to call while other instances use the same store.
 */
export interface DocumentStore {
  readonly engine: 'sqlite' | 'postgres'
  loadDocument(boardId: string): Promise<StoredDocument>
  /** Appends every update of the batch to its board's log in one transaction. */
  appendUpdates(batch: readonly BoardUpdate[]): Promise<void>
  /**
   * Folds the board's snapshot and the log entries present now into a new snapshot, deleting exactly
   * those entries; an entry appended meanwhile stays in the log.
   */
  compactDocument(boardId: string): Promise<void>
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>
  close(): Promise<void>
}

/** A store that also holds the relational data (accounts, boards) on the same database. */
export interface Storage extends DocumentStore {
  readonly sql: import('./sql').Sql
}
