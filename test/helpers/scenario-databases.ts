// The broker databases the acceptance scenarios run on: an embedded PGlite folder, or a fresh schema in the CI
// PostgreSQL; each is thrown away after the run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { BrokerConfigInput, DatabaseTarget } from '../../src/broker/index.ts';

/** A database for one run of the scenarios, and how to throw it away. */
export interface ScenarioDatabase {
  /** Config entries that point the broker at it (`dbDir`, or `databaseUrl` and `databaseSchema`). */
  config: Pick<BrokerConfigInput, 'dbDir' | 'databaseUrl' | 'databaseSchema'>;
  target: DatabaseTarget;
  dispose(): Promise<void>;
}

/** The CI PostgreSQL (trust auth); override with TEST_DATABASE_URL. */
const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A new PGlite folder under a temporary directory named `prefix…`. */
export async function pgliteScenarioDatabase(prefix: string): Promise<ScenarioDatabase> {
  const parent = await mkdtemp(join(tmpdir(), prefix));
  const dir = join(parent, 'db');
  return {
    config: { dbDir: dir },
    target: { kind: 'pglite', dir },
    dispose: () => rm(parent, { recursive: true, force: true }),
  };
}

/** A new schema `prefix<random>` in the CI PostgreSQL, dropped with everything in it on dispose. */
export async function postgresScenarioDatabase(prefix: string): Promise<ScenarioDatabase> {
  const url = POSTGRES_URL;
  const schema = `${prefix}${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
  return {
    config: { databaseUrl: url, databaseSchema: schema },
    target: { kind: 'postgres', url, schema },
    async dispose() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
