// Fault suite: a private PostgreSQL under the broker process is stopped mid-run and started again seconds later; the broker carries on and the run releases the same figures.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { openBrokerDatabase, type Database } from '../../src/broker/index.ts';
import type { ScenarioDatabase } from '../helpers/scenario-databases.ts';
import { createBrokerRunWorld, type BrokerRunWorld } from './broker-run-world.ts';
import { fault, faultWindow } from './fault.ts';
import { killChildren } from './fault-processes.ts';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.ts';

/** How long PostgreSQL stays down: the "a few seconds" under `npm run faults`, shorter in CI. */
const DOWN_MS = faultWindow(10_000, 3_000);
const SCHEMA = 'homedata';

let postgres: PrivatePostgres;
let world: BrokerRunWorld;

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  const database: ScenarioDatabase = {
    config: { databaseUrl: postgres.url, databaseSchema: SCHEMA },
    target: { kind: 'postgres', url: postgres.url, schema: SCHEMA },
    // The whole cluster is removed after the test (afterAll).
    dispose: async () => undefined,
  };
  // A shard job whose handler failed while the database was down is handed out again once it expires, which the
  // home deadline bounds.
  world = await createBrokerRunWorld(async () => database, { homeDeadlineMs: 10_000 });
}, 600_000);

afterAll(async () => {
  killChildren();
  await world?.stop();
  await postgres?.dispose();
});

describe('fault suite: the broker database', () => {
  fault(
    'postgresRestart',
    `private PostgreSQL 15 under the broker stopped (immediate) after some of a run's 10 homes were read; started again ${DOWN_MS / 1000} s later on the same port and folder`,
    async (record) => {
      const undisturbedRun = await world.startRun();
      expect(await world.finished(undisturbedRun, 120_000)).toMatchObject({ state: 'done' });
      const undisturbed = await world.cells(undisturbedRun);
      world.expectFiguresFromReadings(undisturbed);

      const runId = await world.startRun();
      const watcher: Database = await openBrokerDatabase(world.database.target);
      try {
        await expect
          .poll(
            async () => {
              const [row] = await watcher.query<{ homes: number }>(
                'SELECT count(DISTINCT resident_webid)::int AS homes FROM audit_log ' +
                  'WHERE run_id = $1 AND status >= 200 AND status < 300',
                [runId],
              );
              return row!.homes;
            },
            { timeout: 60_000, interval: 50 },
          )
          .toBeGreaterThan(0);
      } finally {
        await watcher.close();
      }
      const stoppedAt = new Date();
      await postgres.stop('immediate');
      // The fault's duration: PostgreSQL is down this long whatever the broker does.
      await sleep(DOWN_MS);
      await postgres.start();
      const startedAt = new Date();
      const view = await world.finished(runId, 480_000);
      const cells = view.state === 'done' ? await world.cells(runId) : null;
      const sameFigures = JSON.stringify(cells) === JSON.stringify(undisturbed);
      const brokerAlive = world.broker.child.exitCode === null && world.broker.child.signalCode === null;

      const db = await openBrokerDatabase(world.database.target);
      const counted = await (async () => {
        try {
          return await world.account(db, runId, stoppedAt, startedAt);
        } finally {
          await db.close();
        }
      })();
      console.log(JSON.stringify({ ...counted, brokerAlive, resumeMs: Date.now() - startedAt.getTime() }));
      record({ sameFigures, duplicated: counted.duplicateReleases });
      expect(brokerAlive).toBe(true);
      expect(view).toMatchObject({ state: 'done', problem: null });
      expect(sameFigures, JSON.stringify({ cells, undisturbed })).toBe(true);
      expect(counted.homesReadBefore).toBeGreaterThan(0);
      expect(counted.homesReadBefore).toBeLessThan(10);
      expect(counted).toMatchObject({ unrecordedAfter: 0, otherFindings: 0, duplicateReleases: 0 });
    },
    900_000,
  );
});
