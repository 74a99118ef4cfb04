// The embedded run queue: several runs at once, at most one per council, so that no council waits behind another's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCouncil } from '../../../src/broker/councils/council-transactor.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import type { NewRequest } from '../../../src/broker/requests/request-schema.ts';
import { createRequest } from '../../../src/broker/requests/request-transactor.ts';
import { InProcessRunQueue } from '../../../src/broker/runs/in-process-queue.ts';
import { claimRun, createRun } from '../../../src/broker/runs/run-transactor.ts';
import { createLogger } from '../../../src/logging.ts';
import { validRequest } from '../request-fixtures.ts';
import { openMemoryDatabase } from '../../helpers/memory-database.ts';

describe('the in-process run queue', () => {
  let db: Database;

  beforeAll(async () => {
    db = await openMemoryDatabase();
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  it("runs another council's run beside a council's stuck one, and that council's second run after it", async () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const first = await addCouncil(db, 'First');
    const second = await addCouncil(db, 'Second');
    const queueRun = async (councilId: string, at: number) => {
      const requestId = await createRequest(
        db,
        councilId,
        { ...validRequest(), split: 'none' } as NewRequest,
        now,
      );
      return createRun(db, { requestId, epsilon: null }, new Date(now.getTime() + at));
    };
    const stuck = await queueRun(first.id, 0);
    const sameCouncil = await queueRun(first.id, 1);
    const otherCouncil = await queueRun(second.id, 2);

    const started: string[] = [];
    const release = new Map<string, () => void>();
    // Claims like the real executor, then holds the run until the test lets it finish.
    const executor = {
      execute: async (runId: string) => {
        started.push(runId);
        await claimRun(db, runId, new Date());
        await new Promise<void>((resolve) => release.set(runId, resolve));
        await db.query("UPDATE runs SET state = 'done' WHERE id = $1", [runId]);
        return 'done' as const;
      },
    };
    const queue = new InProcessRunQueue({
      db,
      executor,
      logger: createLogger('queue-test', 'silent'),
      clock: () => new Date(),
      exclusive: true,
      concurrency: 2,
      maxRunAttempts: 3,
    });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
    await queue.start();
    try {
      await settle();
      expect(started).toEqual([stuck, otherCouncil]);
      release.get(otherCouncil)!();
      await settle();
      // A free place, but the first council still has a run executing: its second run waits.
      expect(started).toEqual([stuck, otherCouncil]);
      release.get(stuck)!();
      await settle();
      expect(started).toEqual([stuck, otherCouncil, sameCouncil]);
      release.get(sameCouncil)!();
    } finally {
      await queue.stop();
    }
  });
});
