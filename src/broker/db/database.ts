// The broker's tiny database interface: one SQL dialect over embedded PGlite or a PostgreSQL server.

/** Anything that runs one parameterised SQL statement: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one statement with `$1`-style parameters and returns its rows. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** The broker's database. Only the readers and transactors under `src/broker/` talk to it. */
export interface Database extends Queryable {
  /** `pglite` (embedded, one process per data dir) or `postgres`. */
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
