// A shared run's shard step on an in-memory database: a retried job whose shard is already done still asks for the release.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCouncil } from '../../../src/broker/councils/council-transactor.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import { createRequest } from '../../../src/broker/requests/request-transactor.ts';
import { RunExecutor } from '../../../src/broker/runs/run-executor.ts';
import { claimRun, createRun } from '../../../src/broker/runs/run-transactor.ts';
import { ShardedRuns, type ShardDispatch } from '../../../src/broker/runs/sharded-runs.ts';
import { completeShard, createShards } from '../../../src/broker/runs/shard-transactor.ts';
import { createLogger } from '../../../src/logging.ts';
import { seededRandomSource } from '../../../src/privacy/index.ts';
import { syntheticReader } from './synthetic-broker.ts';
import { openMemoryDatabase } from '../../helpers/memory-database.ts';

describe('sharded run steps', () => {
  let db: Database;
  let runs: ShardedRuns;
  let runId: string;

  beforeAll(async () => {
    db = await openMemoryDatabase();
    const councilId = (await addCouncil(db, 'Northbridge Borough Council')).id;
    const requestId = await createRequest(
      db,
      councilId,
      {
        title: 'Cold homes',
        purpose: 'https://w3id.org/dpv#ImprovePublicServices',
        description: 'Test',
        metrics: ['temperature.mean'] as never,
        areas: ['E05018412'],
        period: { from: '2026-01-01', to: '2026-01-31' },
        granularity: 'month',
        split: 'none',
        minCohort: 10,
        consentUntil: '2036-12-31',
      },
      new Date(),
    );
    runId = await createRun(db, { requestId, epsilon: null }, new Date());
    await claimRun(db, runId, new Date());
    const logger = createLogger('sharded-runs-test', 'silent');
    const clock = () => new Date();
    const executor = new RunExecutor({
      db,
      reader: syntheticReader(new Map()),
      clock,
      logger,
      random: seededRandomSource(1),
      kFloor: 10,
    });
    runs = new ShardedRuns({ db, executor, logger, clock, limits: { maxRunAttempts: 3, runShardSize: 1 } });
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  it('asks for the release when a retried shard job finds its shard done by a process that stopped before asking', async () => {
    await db.transaction(async (tx) => {
      await createShards(tx, runId, ['https://pods.example/a/profile/card#me'], 1);
      // The stopping process handed the shard in, but its queue was stopped: no finish job was sent.
      await completeShard(tx, runId, 0, 'worker-stopped', []);
    });
    const finishes: string[] = [];
    const dispatch: ShardDispatch = {
      shards: () => Promise.resolve(),
      finish: (id) => {
        finishes.push(id);
        return Promise.resolve();
      },
    };
    await runs.readShard(runId, 0, dispatch);
    expect(finishes).toEqual([runId]);
  });
});
