import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { needsFold } from './compaction'
import { FoldWorker } from './foldWorker'
import {
  ACCOUNTS_AND_BOARDS,
  BOARD_ASSETS,
  BOARD_VERSIONS,
  HIDDEN_VOTES,
  POKER_ESTIMATES,
  SERVER_SECRETS,
} from './schema'
import { SqliteAssetStore } from './sqliteAssets'
import { SqliteSql } from './sqliteSql'
import type { BoardUpdate, Storage, StoredDocument } from './types'
import { UpdateJournal } from './updateJournal'
import { WalCheckpointer } from './walCheckpointer'

function reportError(message: string): void {
  process.emitWarning(`SQLite store: ${message}`)
}

/**
 * Commits to the update log between two checkpoints of the WAL into the database file. A commit copies
 * one journal drain (up to `DRAIN_AT_RECORDS` updates, a dozen or so at a steady pace) and writes a few
 * pages, so this comes well before SQLite's own threshold (`wal_autocheckpoint`, raised to stay a
 * safety net should the checkpointing thread fail).
 */
const CHECKPOINT_EVERY_COMMITS = 250

/** Once the update journal is this long and all of it is in the database, it starts over. */
const JOURNAL_RESET_BYTES = 1024 * 1024

/**
 * How long journaled updates wait before they are copied into SQLite, together: one transaction for
 * many edits costs the event loop far less than one each, and nothing waits for it (a load copies
 * first). Unless this many are waiting: a copy should not hold the event loop for long.
 */
const DRAIN_DELAY_MS = 100
const DRAIN_AT_RECORDS = 1000

/** How long to wait before copying the journal into SQLite again after SQLite refused. */
const DRAIN_RETRY_MS = 1000

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
  // How far the update journal (see UpdateJournal) is in the database: replayed from there at start.
  `CREATE TABLE journal_state (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     drained_through INTEGER NOT NULL
   );
   INSERT INTO journal_state (id, drained_through) VALUES (1, 0);`,
  BOARD_ASSETS,
  // The text layout of each snapshot (see StoredDocument.snapshotTextLayout); null for older ones.
  'ALTER TABLE document_snapshots ADD COLUMN text_layout INTEGER;',
  // The key invite links are derived with, so owners can see a link again (see InviteTokens).
  SERVER_SECRETS,
  // Dots given while voting is hidden, out of the document until the reveal (see HiddenVoteStore).
  HIDDEN_VOTES,
  // Planning poker picks, out of the document until the round is revealed (see PlanningPoker).
  POKER_ESTIMATES,
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
 * The embedded default store: one SQLite file under DATA_DIR, in WAL mode, with an update journal in
 * front of it. An append is one write to the journal (`refinery.db-edits`) before the sync core relays
 * the update, so it survives `kill -9` of the server; it is copied into SQLite shortly after, many
 * edits in one transaction, off the edit's path, and anything a crash left in the journal is copied
 * at the next start. A commit to SQLite costs 100 µs or more of the event loop's time per edit, the
 * journal's write a fraction of that.
 */
export class SqliteStore implements Storage {
  readonly engine = 'sqlite'
  readonly db: Database.Database
  /** The relational side (accounts, boards, members) on the same connection. */
  readonly sql: SqliteSql
  /** Images: files under `assets/` beside the database, linked to boards in a table of it. */
  readonly assets: SqliteAssetStore
  private readonly statements

  constructor(
    file: string,
    private readonly onError: (message: string) => void = reportError,
  ) {
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
    // Whatever reads or changes the database through `sql` (deleting a board, say) sees the journal's
    // updates there first.
    this.sql = new SqliteSql(this.db, () => this.drainIfIdle())
    this.assets = new SqliteAssetStore(this.sql, join(dirname(file), 'assets'))
    this.statements = {
      snapshot: this.db.prepare(
        'SELECT state, state_vector, text_layout FROM document_snapshots WHERE board_id = ?',
      ),
      updates: this.db.prepare('SELECT seq, data FROM document_updates WHERE board_id = ? ORDER BY seq'),
      append: this.db.prepare('INSERT INTO document_updates (board_id, data, created_at) VALUES (?, ?, ?)'),
      saveSnapshot: this.db.prepare(
        `INSERT INTO document_snapshots (board_id, state, state_vector, text_layout, updated_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (board_id) DO UPDATE
         SET state = excluded.state, state_vector = excluded.state_vector,
             text_layout = excluded.text_layout, updated_at = excluded.updated_at`,
      ),
      deleteThrough: this.db.prepare('DELETE FROM document_updates WHERE board_id = ? AND seq <= ?'),
      countThrough: this.db
        .prepare('SELECT count(*) FROM document_updates WHERE board_id = ? AND seq <= ?')
        .pluck(),
      drainedThrough: this.db.prepare('SELECT drained_through FROM journal_state WHERE id = 1').pluck(),
      setDrainedThrough: this.db.prepare('UPDATE journal_state SET drained_through = ? WHERE id = 1'),
    }
    // Made once: wrapping a function in a transaction builds several closures.
    this.commitBatch = this.db.transaction((batch: readonly BoardUpdate[], journalEnd: number | null) => {
      const now = Date.now()
      for (const { boardId, update } of batch) this.statements.append.run(boardId, update, now)
      if (journalEnd !== null) this.statements.setDrainedThrough.run(journalEnd)
    })
    this.journal = new UpdateJournal(`${file}-edits`)
    this.replayJournal(this.journal)
    // Once the schema is in place: the thread opens a connection of its own.
    this.checkpointer = new WalCheckpointer(file, (message) =>
      this.onError(`checkpointing the write-ahead log failed: ${message}`),
    )
  }

  /**
   * `onError` hears of background work that failed and is retried or replaced: a checkpoint (SQLite's
   * own then bounds the log), copying the journal into SQLite, the journal itself.
   */
  static open(dataDir: string, onError?: (message: string) => void): SqliteStore {
    mkdirSync(dataDir, { recursive: true })
    return new SqliteStore(join(dataDir, 'refinery.db'), onError)
  }

  private readDocument(boardId: string): StoredDocument & { lastSeq: number } {
    const snapshot = this.statements.snapshot.get(boardId) as
      | { state: Buffer; state_vector: Buffer | null; text_layout: number | null }
      | undefined
    const rows = this.statements.updates.all(boardId) as { seq: number; data: Buffer }[]
    return {
      snapshot: snapshot?.state ?? null,
      snapshotStateVector: snapshot?.state_vector ?? null,
      snapshotTextLayout: snapshot?.text_layout ?? null,
      updates: rows.map((row) => row.data),
      lastSeq: rows.length > 0 ? (rows[rows.length - 1]?.seq ?? 0) : 0,
    }
  }

  async loadDocument(boardId: string): Promise<StoredDocument> {
    this.drainIfIdle()
    const { lastSeq: _, ...stored } = this.db.transaction(() => this.readDocument(boardId))()
    // Whatever SQLite has not taken yet is in the journal, and comes after what it has.
    for (const record of this.journaled) if (record.boardId === boardId) stored.updates.push(record.update)
    return stored
  }

  private readonly commitBatch: (batch: readonly BoardUpdate[], journalEnd: number | null) => void
  private readonly checkpointer: WalCheckpointer
  private readonly folder = new FoldWorker()
  private commitsSinceCheckpoint = 0
  /** Null once a write to it failed: from then on appends commit to SQLite directly. */
  private journal: UpdateJournal | null
  /** Appended to the journal, not yet in SQLite, in order; and where the last of them ends there. */
  private journaled: BoardUpdate[] = []
  private journaledEnd = 0
  private drainTimer: NodeJS.Timeout | null = null
  private drainImmediate: NodeJS.Immediate | null = null
  /** The last copy failed: it is retried on a timer rather than hurried by each append. */
  private drainFailing = false

  /** At start: copies into SQLite what the journal holds beyond what it took, then empties the journal. */
  private replayJournal(journal: UpdateJournal): void {
    const records = journal.read(this.statements.drainedThrough.get() as number)
    // A crash between this commit and the reset copies the records again at the next start, which
    // changes nothing: applying an update a document already holds is a no-op in Yjs.
    this.commitBatch(records, 0)
    journal.reset()
  }

  /** One transaction into the update log; `journalEnd` records how far the journal is in. */
  private commit(batch: readonly BoardUpdate[], journalEnd: number | null): void {
    this.commitBatch(batch, journalEnd)
    if (++this.commitsSinceCheckpoint >= CHECKPOINT_EVERY_COMMITS) {
      this.commitsSinceCheckpoint = 0
      this.checkpointer.request()
    }
  }

  /**
   * Copies the journaled updates into SQLite, unless a transaction of `sql` is open (it would join
   * it); throws when SQLite refuses them, and they stay journaled.
   */
  private drain(): void {
    if (this.journaled.length === 0 || this.db.inTransaction) return
    this.commit(this.journaled, this.journaledEnd)
    this.journaled = []
    const journal = this.journal
    if (journal && journal.size >= JOURNAL_RESET_BYTES) {
      // In this order: a crash in between copies the journal once more at start, which is harmless.
      this.statements.setDrainedThrough.run(0)
      journal.reset()
    }
  }

  /** `drain`, reporting rather than throwing: for readers, who get the journaled updates anyway. */
  private drainIfIdle(): void {
    try {
      this.drain()
    } catch (error) {
      this.onError(`copying the update journal into SQLite failed: ${(error as Error).message}`)
    }
  }

  /** Drains after `delayMs` (0: on the next turn, once this turn's updates are relayed). */
  private scheduleDrain(delayMs: number): void {
    if (this.drainImmediate || (this.drainTimer && delayMs > 0)) return
    if (this.drainTimer) clearTimeout(this.drainTimer)
    this.drainTimer = null
    if (delayMs > 0) {
      this.drainTimer = setTimeout(this.runScheduledDrain, delayMs)
      this.drainTimer.unref()
    } else this.drainImmediate = setImmediate(this.runScheduledDrain)
  }

  private readonly runScheduledDrain = () => {
    this.drainTimer = null
    this.drainImmediate = null
    try {
      this.drain()
      this.drainFailing = false
      // Still waiting: a transaction of `sql` was open.
      if (this.journaled.length > 0) this.scheduleDrain(DRAIN_DELAY_MS)
    } catch (error) {
      this.drainFailing = true
      this.onError(`copying the update journal into SQLite failed, will retry: ${(error as Error).message}`)
      this.scheduleDrain(DRAIN_RETRY_MS)
    }
  }

  /** How many checkpoints of the WAL the store's own thread has completed. */
  get checkpoints(): number {
    return this.checkpointer.completed
  }

  async appendUpdates(batch: readonly BoardUpdate[]): Promise<void> {
    if (batch.length === 0) return
    const journal = this.journal
    if (journal) {
      try {
        this.journaledEnd = journal.append(batch)
        for (const record of batch) this.journaled.push(record)
        const many = this.journaled.length >= DRAIN_AT_RECORDS && !this.drainFailing
        this.scheduleDrain(many ? 0 : DRAIN_DELAY_MS)
        return
      } catch (error) {
        this.journal = null
        try {
          journal.close()
        } catch {}
        this.onError(`the update journal failed; committing to SQLite directly: ${(error as Error).message}`)
      }
    }
    // Without the journal: what it still holds goes first, in order.
    this.drain()
    this.commit(batch, null)
  }

  async compactDocument(boardId: string): Promise<void> {
    // Folds what the journal holds too; if SQLite refuses it, compaction fails and is tried again later.
    this.drain()
    const { snapshot, snapshotTextLayout, updates, lastSeq } = this.db.transaction(() =>
      this.readDocument(boardId),
    )()
    if (!needsFold(snapshot, snapshotTextLayout, updates)) return
    // On the fold worker's thread: the event loop goes on relaying meanwhile, and appends land in
    // the log after `lastSeq`.
    const { state, stateVector, textLayout } = await this.folder.fold(snapshot, updates)
    this.db
      .transaction(() => {
        // Another compaction of this board, or its deletion, came first: the entries read are no longer
        // the log's head, and this fold is out of date.
        if (this.statements.countThrough.get(boardId, lastSeq) !== updates.length) return
        this.statements.saveSnapshot.run(boardId, state, stateVector, textLayout, Date.now())
        this.statements.deleteThrough.run(boardId, lastSeq)
      })
      .immediate()
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get()
  }

  async close(): Promise<void> {
    if (this.drainTimer) clearTimeout(this.drainTimer)
    if (this.drainImmediate) clearImmediate(this.drainImmediate)
    this.drainIfIdle()
    if (this.journal) {
      // Left as it is when SQLite refused its updates: the next start copies them.
      if (this.journaled.length === 0) {
        this.statements.setDrainedThrough.run(0)
        this.journal.reset()
      }
      this.journal.close()
      this.journal = null
    }
    await Promise.all([this.checkpointer.close(), this.folder.close()])
    if (this.db.open) this.db.close()
  }
}
