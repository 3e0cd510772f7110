/**
 * The one way server code talks to the relational store. Queries use `?` placeholders and portable
 * SQL (TEXT, BIGINT, standard UPSERT), so each repository is written once for SQLite and PostgreSQL.
 */
export interface Sql {
  readonly engine: 'sqlite' | 'postgres'
  all<Row>(query: string, params?: readonly unknown[]): Promise<Row[]>
  get<Row>(query: string, params?: readonly unknown[]): Promise<Row | undefined>
  /** Runs a statement; resolves to the number of rows it changed. */
  run(query: string, params?: readonly unknown[]): Promise<number>
  /**
   * Runs `work` in one transaction. Await only this `Sql`'s queries inside it: SQLite's transaction
   * holds the connection, so no other I/O (hashing, network) may run in the middle.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>
  /**
   * Runs `work` while no other `exclusive` call with the same key runs, on this instance or (with
   * PostgreSQL) on any instance sharing the database: read-then-write steps that span the document
   * and the tables (a reveal, a vote while hidden) cannot interleave. Not a transaction.
   */
  exclusive<T>(key: string, work: () => Promise<T>): Promise<T>
}
