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
   * those entries; an entry appended meanwhile stays in the log. A snapshot whose text layout is not
   * known (folded before it was kept) is folded again even with an empty log, to learn it.
   */
  compactDocument(boardId: string): Promise<void>
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>
  close(): Promise<void>
}

/** An image as the asset store keeps it: named by the SHA-256 of its bytes. */
export interface StoredAsset {
  /** The SHA-256 of the bytes, 64 lowercase hex digits. */
  hash: string
  mimeType: string
  size: number
}

/**
 * Where the images of boards live, content-addressed: the same bytes are stored once however many
 * boards hold them, and each board sees only the images linked to it. The bytes given are already
 * checked (see `assets/images.ts`); the store keeps them as they are.
 */
export interface AssetStore {
  /** Stores the bytes (unless stored already) and links them to the board; safe to repeat. */
  put(boardId: string, bytes: Uint8Array, mimeType: string): Promise<StoredAsset>
  /** The asset linked to the board under `hash`; null when the board has no such asset. */
  find(boardId: string, hash: string): Promise<StoredAsset | null>
  /** The stored bytes of `hash`, whichever board they came with; null when none are stored. */
  read(hash: string): Promise<Uint8Array | null>
}

/** A store that also holds the relational data (accounts, boards) and the images on the same database. */
export interface Storage extends DocumentStore {
  readonly sql: import('./sql').Sql
  readonly assets: AssetStore
}
