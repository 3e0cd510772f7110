import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { foldUpdates } from './compaction'
import { ACCOUNTS_AND_BOARDS, BOARD_VERSIONS } from './schema'
import { SqliteSql } from './sqliteSql'
import type { BoardUpdate, Storage, StoredDocument } from './types'
import { WalCheckpointer } from './walCheckpointer'

function reportCheckpointError(message: string): void {
  process.emitWarning(`SQLite WAL checkpoint failed: ${message}`)
}

/**
 * Appends between two checkpoints of the WAL into the database file. An append writes about three
 * pages, so this comes well before SQLite's own threshold (`wal_autocheckpoint`, raised to stay a
 * safety net should the checkpointing thread fail).
 */
const CHECKPOINT_EVERY_APPENDS = 250

/** Schema steps, applied in order once each; append only. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE document_snapshots (
     board_id TEXT PRIMARY KEY,
     state BLOB NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE document_updates (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     board_id TEXT NOT NULL,
     data BLOB NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX document_updates_board ON document_updates (board_id, seq);`,
  ACCOUNTS_AND_BOARDS,
  BOARD_VERSIONS('BLOB'),
  'ALTER TABLE document_snapshots ADD COLUMN state_vector BLOB;',
]

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
  )
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[])
  MIGRATIONS.forEach((sql, index) => {
    const version = index + 1
    if (applied.has(version)) return
    db.transaction(() => {
      db.exec(sql)
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, Date.now())
    })()
  })
}

/**
 * The embedded default store: one SQLite file under DATA_DIR, in WAL mode. A committed append is in
 * the WAL before the sync core relays the update, so it survives `kill -9` of the server.
 */
export class SqliteStore implements Storage {
  readonly engine = 'sqlite'
  readonly db: Database.Database
  /** The relational side (accounts, boards, members) on the same connection. */
  readonly sql: SqliteSql
  private readonly statements

  constructor(file: string, onError: (message: string) => void = reportCheckpointError) {
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    // NORMAL in WAL mode: a commit survives a crash of the process (not of the machine) without an
    // fsync per transaction.
    this.db.pragma('synchronous = NORMAL')
    // SQLite checkpoints inside the commit that crosses its threshold, and a checkpoint fsyncs: a
    // stall of milliseconds before that update could be relayed, and for every other board meanwhile.
    // A thread of the store's own checkpoints instead (see `WalCheckpointer`).
    this.db.pragma('wal_autocheckpoint = 4000')
    this.db.pragma('busy_timeout = 5000')
    this.db.pragma('foreign_keys = ON')
    migrate(this.db)
    this.sql = new SqliteSql(this.db)
    this.statements = {
      snapshot: this.db.prepare('SELECT state, state_vector FROM document_snapshots WHERE board_id = ?'),
      updates: this.db.prepare('SELECT seq, data FROM document_updates WHERE board_id = ? ORDER BY seq'),
      append: this.db.prepare('INSERT INTO document_updates (board_id, data, created_at) VALUES (?, ?, ?)'),
      saveSnapshot: this.db.prepare(
        `INSERT INTO document_snapshots (board_id, state, state_vector, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (board_id) DO UPDATE
         SET state = excluded.state, state_vector = excluded.state_vector, updated_at = excluded.updated_at`,
      ),
      deleteThrough: this.db.prepare('DELETE FROM document_updates WHERE board_id = ? AND seq <= ?'),
    }
    // Made once: wrapping a function in a transaction builds several closures, on every edit's path.
    this.appendBatch = this.db.transaction((batch: readonly BoardUpdate[]) => {
      const now = Date.now()
      for (const { boardId, update } of batch) this.statements.append.run(boardId, update, now)
    })
    // Once the schema is in place: the thread opens a connection of its own.
    this.checkpointer = new WalCheckpointer(file, onError)
  }

  /** `onError` hears of checkpoints that failed (the store carries on; SQLite's own then bounds the log). */
  static open(dataDir: string, onError?: (message: string) => void): SqliteStore {
    mkdirSync(dataDir, { recursive: true })
    return new SqliteStore(join(dataDir, 'refinery.db'), onError)
  }

  private readDocument(boardId: string): StoredDocument & { lastSeq: number } {
    const snapshot = this.statements.snapshot.get(boardId) as
      | { state: Buffer; state_vector: Buffer | null }
      | undefined
    const rows = this.statements.updates.all(boardId) as { seq: number; data: Buffer }[]
    return {
      snapshot: snapshot?.state ?? null,
      snapshotStateVector: snapshot?.state_vector ?? null,
      updates: rows.map((row) => row.data),
      lastSeq: rows.length > 0 ? (rows[rows.length - 1]?.seq ?? 0) : 0,
    }
  }

  async loadDocument(boardId: string): Promise<StoredDocument> {
    const { snapshot, snapshotStateVector, updates } = this.db.transaction(() => this.readDocument(boardId))()
    return { snapshot, snapshotStateVector, updates }
  }

  private readonly appendBatch: (batch: readonly BoardUpdate[]) => void
  private readonly checkpointer: WalCheckpointer
  private appendsSinceCheckpoint = 0

  /** How many checkpoints of the WAL the store's own thread has completed. */
  get checkpoints(): number {
    return this.checkpointer.completed
  }

  async appendUpdates(batch: readonly BoardUpdate[]): Promise<void> {
    if (batch.length === 0) return
    this.appendBatch(batch)
    if (++this.appendsSinceCheckpoint >= CHECKPOINT_EVERY_APPENDS) {
      this.appendsSinceCheckpoint = 0
      this.checkpointer.request()
    }
  }

  async compactDocument(boardId: string): Promise<void> {
    // IMMEDIATE takes the write lock before reading, so no append lands between the read and the delete.
    this.db
      .transaction(() => {
        const { snapshot, updates, lastSeq } = this.readDocument(boardId)
        if (updates.length === 0) return
        const { state, stateVector } = foldUpdates(snapshot, updates)
        this.statements.saveSnapshot.run(boardId, state, stateVector, Date.now())
        this.statements.deleteThrough.run(boardId, lastSeq)
      })
      .immediate()
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get()
  }

  async close(): Promise<void> {
    await this.checkpointer.close()
    if (this.db.open) this.db.close()
  }
}
