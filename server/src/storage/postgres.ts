import pg from 'pg'
import { needsFold } from './compaction'
import { FoldWorker } from './foldWorker'
import { PostgresAssetStore } from './postgresAssets'
import { PostgresSql } from './postgresSql'
import {
  ACCOUNTS_AND_BOARDS,
  BOARD_ASSETS,
  BOARD_VERSIONS,
  HIDDEN_VOTES,
  POKER_ESTIMATES,
  SERVER_SECRETS,
} from './schema'
import type { BoardUpdate, Storage, StoredDocument } from './types'

// BIGINT columns come back as numbers: every one holds epoch milliseconds or a log sequence.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

/** Schema steps, applied in order once each; append only. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE document_snapshots (
     board_id TEXT PRIMARY KEY,
     state BYTEA NOT NULL,
     updated_at BIGINT NOT NULL
   );
   CREATE TABLE document_updates (
     seq BIGSERIAL PRIMARY KEY,
     board_id TEXT NOT NULL,
     data BYTEA NOT NULL,
     created_at BIGINT NOT NULL
   );
   CREATE INDEX document_updates_board ON document_updates (board_id, seq);`,
  ACCOUNTS_AND_BOARDS,
  BOARD_VERSIONS('BYTEA'),
  'ALTER TABLE document_snapshots ADD COLUMN state_vector BYTEA;',
  `${BOARD_ASSETS}
   CREATE TABLE asset_blobs (
     hash TEXT PRIMARY KEY,
     data BYTEA NOT NULL,
     created_at BIGINT NOT NULL
   );`,
  // The text layout of each snapshot (see StoredDocument.snapshotTextLayout); null for older ones.
  'ALTER TABLE document_snapshots ADD COLUMN text_layout INTEGER;',
  // The key invite links are derived with, so owners can see a link again (see InviteTokens).
  SERVER_SECRETS,
  // Dots given while voting is hidden, out of the document until the reveal (see HiddenVoteStore).
  HIDDEN_VOTES,
  // Planning poker picks, out of the document until the round is revealed (see PlanningPoker).
  POKER_ESTIMATES,
]

/** Any constant will do: it only has to be the same for every Refinery instance. */
const MIGRATION_LOCK = 7_240_518

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect()
  try {
    // Instances that start together take turns; the second finds the work done.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    )
    const applied = new Set(
      (await client.query('SELECT version FROM schema_migrations')).rows.map((row) => row.version),
    )
    for (const [index, sql] of MIGRATIONS.entries()) {
      const version = index + 1
      if (applied.has(version)) continue
      await client.query('BEGIN')
      try {
        await client.query(sql)
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
          version,
          Date.now(),
        ])
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK')
        throw error
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined)
    client.release()
  }
}

export interface PostgresOptions {
  connectionString: string
  /** A schema to keep the tables in (created if missing); the connection's default otherwise. */
  schema?: string
  maxConnections?: number
}

/** Storage on PostgreSQL, for several instances sharing one database. */
export class PostgresStore implements Storage {
  readonly engine = 'postgres'
  readonly sql: PostgresSql
  /** Images: their bytes in `asset_blobs`, so every instance serves every image. */
  readonly assets: PostgresAssetStore
  private readonly folder = new FoldWorker()

  private constructor(private readonly pool: pg.Pool) {
    this.sql = new PostgresSql(pool)
    this.assets = new PostgresAssetStore(this.sql)
  }

  static async open({
    connectionString,
    schema,
    maxConnections = 10,
  }: PostgresOptions): Promise<PostgresStore> {
    if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name "${schema}"`)
    if (schema) {
      const setup = new pg.Client({ connectionString })
      await setup.connect()
      try {
        await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
      } finally {
        await setup.end()
      }
    }
    const pool = new pg.Pool({
      connectionString,
      max: maxConnections,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    })
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined)
    try {
      await migrate(pool)
    } catch (error) {
      await pool.end()
      throw error
    }
    return new PostgresStore(pool)
  }

  async loadDocument(boardId: string): Promise<StoredDocument> {
    const client = await this.pool.connect()
    try {
      // One snapshot of the database for both reads, so a compaction in between cannot be seen half-done.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
      const snapshot = await client.query(
        'SELECT state, state_vector, text_layout FROM document_snapshots WHERE board_id = $1',
        [boardId],
      )
      const updates = await client.query(
        'SELECT data FROM document_updates WHERE board_id = $1 ORDER BY seq',
        [boardId],
      )
      await client.query('COMMIT')
      return {
        snapshot: snapshot.rows[0]?.state ?? null,
        snapshotStateVector: snapshot.rows[0]?.state_vector ?? null,
        snapshotTextLayout: snapshot.rows[0]?.text_layout ?? null,
        updates: updates.rows.map((row) => row.data),
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }

  async appendUpdates(batch: readonly BoardUpdate[]): Promise<void> {
    if (batch.length === 0) return
    const now = Date.now()
    // One statement, one round trip, for the whole turn's batch.
    await this.pool.query(
      `INSERT INTO document_updates (board_id, data, created_at)
       SELECT board_id, data, $3 FROM unnest($1::text[], $2::bytea[]) AS batch (board_id, data)`,
      [batch.map((entry) => entry.boardId), batch.map((entry) => Buffer.from(entry.update)), now],
    )
  }

  async compactDocument(boardId: string): Promise<void> {
    await this.sql.transaction(async (tx) => {
      // Instances compacting the same board take turns.
      await tx.run('SELECT pg_advisory_xact_lock(hashtext(?))', [`refinery:compact:${boardId}`])
      const snapshot = await tx.get<{ state: Buffer; text_layout: number | null }>(
        'SELECT state, text_layout FROM document_snapshots WHERE board_id = ?',
        [boardId],
      )
      const rows = await tx.all<{ seq: number; data: Buffer }>(
        'SELECT seq, data FROM document_updates WHERE board_id = ? ORDER BY seq',
        [boardId],
      )
      if (!needsFold(snapshot?.state ?? null, snapshot?.text_layout ?? null, rows)) return
      // On the fold worker's thread, so the event loop goes on relaying meanwhile.
      const { state, stateVector, textLayout } = await this.folder.fold(
        snapshot?.state ?? null,
        rows.map((row) => row.data),
      )
      // Locked until this commits; if the board was deleted meanwhile, some are gone, and so is the
      // reason to store its snapshot.
      const present = await tx.all<{ seq: number }>(
        'SELECT seq FROM document_updates WHERE board_id = ? AND seq = ANY(?::bigint[]) FOR UPDATE',
        [boardId, rows.map((row) => row.seq)],
      )
      if (present.length !== rows.length) return
      await tx.run(
        `INSERT INTO document_snapshots (board_id, state, state_vector, text_layout, updated_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (board_id) DO UPDATE
         SET state = excluded.state, state_vector = excluded.state_vector,
             text_layout = excluded.text_layout, updated_at = excluded.updated_at`,
        [boardId, Buffer.from(state), Buffer.from(stateVector), textLayout, Date.now()],
      )
      // Exactly the entries folded in: sequence order is not commit order, so an append that
      // committed after the read above may carry a lower sequence number and must stay.
      await tx.run('DELETE FROM document_updates WHERE board_id = ? AND seq = ANY(?::bigint[])', [
        boardId,
        rows.map((row) => row.seq),
      ])
    })
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1')
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.folder.close()])
  }
}
