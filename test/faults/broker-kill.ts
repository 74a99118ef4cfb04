// The broker SIGKILL fault, written once and run on PGlite (npm test) and PostgreSQL (npm run test:services).
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { openBrokerDatabase, type BrokerConfigInput } from '../../src/broker/index.ts';
import type { ScenarioDatabase } from '../helpers/scenario-databases.ts';
import { createBrokerRunWorld, SLOW_SUMMARIES_MS, type BrokerRunWorld } from './broker-run-world.ts';
import { fault, type FaultId } from './fault.ts';
import { killChildren, killHard } from './fault-processes.ts';

/** How the run comes back: read again from the start (one process per database), or its shards left. */
export interface BrokerKillCase {
  id: Extract<FaultId, 'brokerKilledPglite' | 'brokerKilledPostgres'>;
  makeDatabase: () => Promise<ScenarioDatabase>;
  /** The broker's limits (a shared run's shard is handed out again only once its job expires). */
  limits?: BrokerConfigInput['limits'];
  /** How long the restarted broker may take to finish the run. */
  resumeTimeoutMs: number;
  /** Attempts the run counts when it is done: 2 when read again from the start. */
  attempts: number;
  /** How many of the run's homes the broker has read so far, as the test can see it while the broker runs. */
  homesRead: (world: BrokerRunWorld, runId: string) => Promise<number>;
}

/** Kills the broker process after some of a run's homes were read, starts it again, and compares the figures. */
export function describeBrokerKill(kill: BrokerKillCase): void {
  const { id, makeDatabase, limits, resumeTimeoutMs, attempts } = kill;
  describe('fault suite: broker process', () => {
    let world: BrokerRunWorld;

    beforeAll(async () => {
      world = await createBrokerRunWorld(makeDatabase, limits);
    }, 600_000);

    afterAll(async () => {
      killChildren();
      await world?.stop();
    });

    fault(
      id,
      `broker process (\`homedata broker\`) SIGKILLed after some of a run's 10 homes were read (summaries served ${SLOW_SUMMARIES_MS / 1000} s late); started again on the same database`,
      async (record) => {
        const undisturbedRun = await world.startRun();
        expect(await world.finished(undisturbedRun, 120_000)).toMatchObject({ state: 'done' });
        const undisturbed = await world.cells(undisturbedRun);
        world.expectFiguresFromReadings(undisturbed);

        const runId = await world.startRun();
        await expect
          .poll(() => kill.homesRead(world, runId), { timeout: 60_000, interval: 50 })
          .toBeGreaterThan(0);
        const killedAt = new Date();
        await killHard(world.broker.child);
        const restartedAt = new Date();
        await world.startBroker();
        const view = await world.finished(runId, resumeTimeoutMs);
        const cells = view.state === 'done' ? await world.cells(runId) : null;
        const sameFigures = JSON.stringify(cells) === JSON.stringify(undisturbed);

        await world.stopBroker();
        const db = await openBrokerDatabase(world.database.target);
        const counted = await (async () => {
          try {
            return await world.account(db, runId, killedAt, restartedAt);
          } finally {
            await db.close();
          }
        })();
        record({ sameFigures, duplicated: counted.duplicateReleases });
        expect(view).toMatchObject({ state: 'done', problem: null });
        expect(sameFigures, JSON.stringify({ cells, undisturbed })).toBe(true);
        // Killed mid-run: some homes read, not all.
        expect(counted.homesReadBefore).toBeGreaterThan(0);
        expect(counted.homesReadBefore).toBeLessThan(10);
        expect(counted).toMatchObject({
          // A read whose access record the kill cut off was never used; every read after the restart is recorded.
          unrecordedAfter: 0,
          otherFindings: 0,
          duplicateReleases: 0,
          attempts,
        });
      },
      900_000,
    );
  });
}
