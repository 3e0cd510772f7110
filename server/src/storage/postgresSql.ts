import type pg from 'pg'
import type { Sql } from './sql'
import { Turns } from './turns'

const placeholderCache = new Map<string, string>()

/** `?` placeholders become `$1, $2, …` (the queries of this codebase keep `?` out of literals). */
function numbered(query: string): string {
  let text = placeholderCache.get(query)
  if (text === undefined) {
    let n = 0
    text = query.replace(/\?/g, () => `$${++n}`)
    placeholderCache.set(query, text)
  }
  return text
}

type Queryable = pg.Pool | pg.PoolClient

/** Binary values go to pg as Buffers (a plain Uint8Array would be sent as text). */
const toPg = (params: readonly unknown[]) =>
  params.map((value) =>
    value instanceof Uint8Array && !Buffer.isBuffer(value)
      ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      : value,
  )

/** `Sql` over a pg pool, or over one client inside a transaction. */
export class PostgresSql implements Sql {
  readonly engine = 'postgres'

  /** Queued here first, so one instance's waiting steps hold no pooled connection each. */
  private readonly turns = new Turns()

  constructor(
    private readonly db: Queryable,
    private readonly inTransaction = false,
  ) {}

  async all<Row>(query: string, params: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.db.query(numbered(query), toPg(params))
    return result.rows as Row[]
  }

  async get<Row>(query: string, params: readonly unknown[] = []): Promise<Row | undefined> {
    return (await this.all<Row>(query, params))[0]
  }

  async run(query: string, params: readonly unknown[] = []): Promise<number> {
    const result = await this.db.query(numbered(query), toPg(params))
    return result.rowCount ?? 0
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this)
    const client = await (this.db as pg.Pool).connect()
    try {
      await client.query('BEGIN')
      const result = await work(new PostgresSql(client, true))
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }

  exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.turns.run(key, async () => {
      if (this.inTransaction) throw new Error('exclusive() runs outside a transaction')
      // A session-level advisory lock on a connection of its own: other instances wait on it.
      const client = await (this.db as pg.Pool).connect()
      let locked = false
      try {
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [key])
        locked = true
        return await work()
      } finally {
        const unlocked = locked
          ? await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).then(
              () => true,
              () => false,
            )
          : true
        // A connection whose lock could not be released is dropped, which releases it.
        client.release(unlocked ? undefined : true)
      }
    })
  }
}
