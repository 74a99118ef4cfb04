// A PostgreSQL connection lost in the middle of a broker transaction fails that transaction, not the process.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../../src/broker/index.ts';
import { postgresScenarioDatabase, type ScenarioDatabase } from '../../helpers/scenario-databases.ts';
import { openPostgresDatabase } from '../../../src/broker/db/postgres-database.ts';

let scenario: ScenarioDatabase;
let db: Database;

beforeAll(async () => {
  scenario = await postgresScenarioDatabase('connection_loss_');
  const target = scenario.target as { url: string; schema: string };
  db = await openPostgresDatabase(target.url, target.schema);
});

afterAll(async () => {
  await db?.close();
  await scenario?.dispose();
});

it('fails a transaction whose connection is terminated while it waits, and the next query works on a new connection', async () => {
  let proceed!: () => void;
  const waiting = new Promise<void>((resolve) => {
    proceed = resolve;
  });
  let backend!: (pid: number) => void;
  const backendPid = new Promise<number>((resolve) => {
    backend = resolve;
  });
  const transaction = db.transaction(async (tx) => {
    const [row] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    backend(row!.pid);
    // Holding the connection between two statements, as a run does between its reads: the connection dies here.
    await waiting;
    await tx.query('SELECT 1');
  });
  const outcome = transaction.then(
    () => 'committed',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  const admin = new pg.Client({ connectionString: (scenario.target as { url: string }).url });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [await backendPid]);
  } finally {
    await admin.end();
  }
  // Without a listener on the held client, the termination is an unhandled 'error' event (vitest reports it).
  await expect.poll(async () => (await db.query<{ n: number }>('SELECT 1 AS n'))[0]!.n).toBe(1);
  proceed();
  expect(await outcome).not.toBe('committed');
  expect(await db.query<{ n: number }>('SELECT 2 AS n')).toEqual([{ n: 2 }]);
});
