import type Database from 'better-sqlite3'
import type { Sql } from './sql'
import { Turns } from './turns'

/** More distinct statements than the code has means queries are being built at run time. */
const MAX_CACHED_STATEMENTS = 256

/** `Sql` over a better-sqlite3 connection; booleans become 0/1 as SQLite stores them. */
export class SqliteSql implements Sql {
  readonly engine = 'sqlite'
  private depth = 0
  /**
   * Prepared statements by query text. Preparing compiles the SQL and allocates native memory that
   * lives until the statement is collected; every session check would otherwise pay both.
   */
  private readonly statements = new Map<string, Database.Statement>()
  /** One process owns an SQLite file, so its own queue serialises `exclusive` steps. */
  private readonly turns = new Turns()

  /** `beforeUse` runs before every query: the store's chance to bring the database up to date. */
  constructor(
    private readonly db: Database.Database,
    private readonly beforeUse: () => void = () => {},
  ) {}

  private prepare(query: string): Database.Statement {
    this.beforeUse()
    let statement = this.statements.get(query)
    if (!statement) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear()
      statement = this.db.prepare(query)
      this.statements.set(query, statement)
    }
    return statement
  }

  private params(params: readonly unknown[]): unknown[] {
    return params.map((value) => (typeof value === 'boolean' ? Number(value) : value))
  }

  async all<Row>(query: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.prepare(query).all(...this.params(params)) as Row[]
  }

  async get<Row>(query: string, params: readonly unknown[] = []): Promise<Row | undefined> {
    return this.prepare(query).get(...this.params(params)) as Row | undefined
  }

  async run(query: string, params: readonly unknown[] = []): Promise<number> {
    return this.prepare(query).run(...this.params(params)).changes
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    // Nested calls join the outer transaction through a savepoint.
    const savepoint = `sp${this.depth}`
    this.beforeUse()
    this.db.exec(this.depth === 0 ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`)
    this.depth++
    try {
      const result = await work(this)
      this.depth--
      this.db.exec(this.depth === 0 ? 'COMMIT' : `RELEASE ${savepoint}`)
      return result
    } catch (error) {
      this.depth--
      this.db.exec(this.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`)
      throw error
    }
  }

  exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.turns.run(key, work)
  }
}
