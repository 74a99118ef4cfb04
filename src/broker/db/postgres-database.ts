// The server database: PostgreSQL through a `pg` connection pool, optionally inside one schema.
import pg from 'pg';
import { ConfigError } from '../../errors.ts';
import type { Database, Queryable } from './database.ts';

/** `pg` returns int8 (counts, bigint ids) as strings; PGlite returns numbers. Ours stay far below 2^53. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** Schema names we put into `search_path` unquoted: plain identifiers only. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens a pool on `url`; with `schema`, every connection works inside it (created if missing). */
export async function openPostgresDatabase(url: string, schema?: string): Promise<Database> {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new ConfigError(
      `Invalid schema name ${JSON.stringify(schema)}: use lower-case letters, digits and _`,
      {
        schema,
      },
    );
  }
  if (schema !== undefined) {
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    types,
    max: 8,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      const result = await client.query(sql, [...params]);
      return result.rows as R[];
    },
    async exec(sql: string): Promise<void> {
      // Without parameters `pg` uses the simple protocol, which runs several statements.
      await client.query(sql);
    },
  });
  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      // The pool listens for errors of idle clients only: a connection lost while a transaction holds it (PostgreSQL
      // restarted) was an unhandled 'error' event that ended the broker process. The transaction's queries fail on
      // their own; the lost client is thrown away instead of going back to the pool.
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.removeListener('error', onError);
        client.release(lost);
      }
    },
    close: () => pool.end(),
  };
}
