// The run queue of brokers sharing one PostgreSQL: pg-boss jobs plan a run, read its shards (in any process) and release it.
import PgBoss from 'pg-boss';
import type { Logger } from '../../logging.ts';
import type { BrokerLimits } from '../config.ts';
import type { Database, Queryable } from '../db/database.ts';
import { STALE_RUN_MS } from './in-process-queue.ts';
import { DATABASE_WAIT_MS, untilDatabaseAnswers } from './database-wait.ts';
import type { RunQueue } from './run-queue.ts';
import { listQueuedRuns, listRunningRuns } from './run-reader.ts';
import { failRunOutOfAttempts, recordRestart, requeueRun } from './run-transactor.ts';
import { listPendingShards, countShards } from './shard-reader.ts';
import { clearRunWork } from './shard-transactor.ts';
import type { ShardDispatch, ShardedRuns } from './sharded-runs.ts';

/** Queue names; one pg-boss schema serves every broker process on the database. */
const PLAN = 'homedata-run-plan';
const SHARD = 'homedata-run-shard';
const FINISH = 'homedata-run-finish';
const FAILED = 'homedata-run-failed';

/** What a shard spends besides its homes' reads (claiming, consent look-ups, handing in values), with room to spare. */
const SHARD_SLACK_SECONDS = 10;

/**
 * How long a shard job may stay active before pg-boss takes it as lost (its process died) and hands it out again.
 * A shard's homes are read `homeConcurrency` at once, each within `homeDeadlineMs`, so ceil(size / concurrency)
 * deadlines bound its reads: a live process always finishes sooner, and a dead one's shard waits no longer than
 * that (250 s with the default limits; it was a fixed 300 s).
 */
export function shardExpirySeconds(
  limits: Pick<BrokerLimits, 'runShardSize' | 'homeDeadlineMs'>,
  homeConcurrency: number,
): number {
  const rounds = Math.ceil(limits.runShardSize / homeConcurrency);
  return Math.ceil((rounds * limits.homeDeadlineMs) / 1000) + SHARD_SLACK_SECONDS;
}

/** pg-boss finds expired jobs at each maintenance: this many checks per expiry period bound the extra wait. */
const EXPIRY_CHECKS = 10;

/** Where pg-boss keeps its tables, and how the queue works. */
export interface PgBossRunQueueDeps {
  db: Database;
  /** PostgreSQL connection URL (the broker's database). */
  url: string;
  /** The schema pg-boss keeps its tables in. */
  schema: string;
  runs: ShardedRuns;
  logger: Logger;
  clock: () => Date;
  /**
   * `runConcurrency` shard workers per process; `maxRunAttempts` restarts of a run whose process died; shard size
   * and home deadline bound how long a shard may take (shardExpirySeconds).
   */
  limits: Pick<BrokerLimits, 'runConcurrency' | 'maxRunAttempts' | 'runShardSize' | 'homeDeadlineMs'>;
  /** Homes a shard reads at once. */
  homeConcurrency: number;
}

/** pg-boss's SQL runner over an open transaction, so that jobs are sent only if the transaction commits. */
function inTransaction(tx: Queryable): PgBoss.Db {
  return { executeSql: async (text, values) => ({ rows: await tx.query(text, values) }) };
}

/**
 * Runs shared between broker processes through pg-boss on the broker's PostgreSQL: a plan job splits a run into
 * shards of homes, shard jobs are read by whichever processes are free, and the last one asks for a finish job
 * that releases the cells. A process that dies mid-shard leaves its job to expire and be handed out again;
 * shards already done stay done.
 */
export class PgBossRunQueue implements RunQueue {
  private readonly deps: PgBossRunQueueDeps;
  private readonly boss: PgBoss;
  private readonly dispatch: ShardDispatch;
  /** This process's worker per queue: told at once when this process sends it a job, instead of at its next poll. */
  private readonly workers = new Map<string, string>();
  private readonly shardExpiry: number;

  constructor(deps: PgBossRunQueueDeps) {
    this.deps = deps;
    this.shardExpiry = shardExpirySeconds(deps.limits, deps.homeConcurrency);
    this.boss = new PgBoss({
      connectionString: deps.url,
      schema: deps.schema,
      max: 4,
      supervise: true,
      // pg-boss expires jobs only at maintenance (every 120 s by default): often enough here that a dead
      // process's shard is handed on soon after its expiry. One process maintains at a time (pg-boss locks it).
      maintenanceIntervalSeconds: Math.max(1, Math.ceil(this.shardExpiry / EXPIRY_CHECKS)),
    });
    this.boss.on('error', (error) => deps.logger.error({ error: error.message }, 'pg-boss error'));
    this.dispatch = {
      shards: async (runId, shards, tx) => {
        if (shards.length === 0) return;
        await this.boss.insert(
          shards.map((shard) => ({ name: SHARD, data: { runId, shard }, singletonKey: `${runId}:${shard}` })),
          { db: inTransaction(tx) },
        );
        this.wake(SHARD);
      },
      finish: async (runId) => {
        await this.boss.send(FINISH, { runId }, { singletonKey: runId });
        this.wake(FINISH);
      },
    };
  }

  async start(): Promise<void> {
    const { runs } = this.deps;
    await this.boss.start();
    await this.boss.createQueue(FAILED);
    await this.boss.createQueue(PLAN, { name: PLAN, retryLimit: 2, deadLetter: FAILED });
    await this.boss.createQueue(SHARD, {
      name: SHARD,
      retryLimit: 3,
      expireInSeconds: this.shardExpiry,
      deadLetter: FAILED,
    });
    await this.boss.createQueue(FINISH, { name: FINISH, retryLimit: 2, deadLetter: FAILED });
    const options = { pollingIntervalSeconds: 0.5, batchSize: 1 };
    const work = async <T extends object>(queue: string, handler: (data: T) => Promise<void>) => {
      this.workers.set(
        queue,
        await this.boss.work<T>(queue, options, async ([job]) => {
          try {
            await handler(job!.data);
          } catch (error) {
            // Failed with the database gone (PostgreSQL restarting): hand the failure to pg-boss once it can be
            // recorded, so that the job is retried instead of the process ending (database-wait.ts says why).
            await untilDatabaseAnswers(this.deps.db, DATABASE_WAIT_MS);
            throw error;
          }
        }),
      );
    };
    await work<{ runId: string }>(PLAN, ({ runId }) => runs.plan(runId, this.dispatch));
    // A pg-boss worker takes one job at a time: `runConcurrency` shard workers per process read that many shards
    // (of any runs) at once, so that one run's slow shard does not hold every other run's.
    for (let worker = 0; worker < this.deps.limits.runConcurrency; worker++) {
      await work<{ runId: string; shard: number }>(SHARD, ({ runId, shard }) =>
        runs.readShard(runId, shard, this.dispatch),
      );
    }
    await work<{ runId: string }>(FINISH, ({ runId }) => runs.finish(runId));
    await work<{ runId: string }>(FAILED, ({ runId }) =>
      runs.fail(runId, new Error('a step of the run failed on every attempt')),
    );
    await this.recover();
  }

  /**
   * Catches up with runs no job speaks for: queued while no broker ran; read to the end but never released (the
   * finish job was lost in a stop); running in a process that died before its jobs were sent. Sending again is
   * harmless: jobs are singletons per run and shard, and each step checks the run's state first.
   */
  private async recover(): Promise<void> {
    const { db, clock } = this.deps;
    const staleBefore = clock().getTime() - STALE_RUN_MS;
    const { maxRunAttempts } = this.deps.limits;
    for (const run of await listRunningRuns(db)) {
      const { total, done } = await countShards(db, run.id);
      if (total > 0 && done === total) await this.dispatch.finish(run.id);
      else if (run.heartbeat_at === null || run.heartbeat_at.getTime() < staleBefore) {
        // Its planner died: claimed again, the run counts an attempt (and fails when out of them).
        if (total === 0) await requeueRun(db, run.id);
        // Its shard readers died: each restart counts as an attempt, so a shard that kills every process that
        // reads it fails the run instead of being handed out at every start.
        else if (await recordRestart(db, run.id, maxRunAttempts)) {
          await this.dispatch.shards(run.id, await listPendingShards(db, run.id), db);
        } else {
          await failRunOutOfAttempts(db, run.id, maxRunAttempts, clock());
          await db.transaction((tx) => clearRunWork(tx, run.id));
        }
      }
    }
    for (const { id } of await listQueuedRuns(db)) await this.enqueue(id);
  }

  async enqueue(runId: string): Promise<void> {
    await this.boss.send(PLAN, { runId }, { singletonKey: runId });
    this.wake(PLAN);
  }

  /** Wakes this process's worker of a queue (other processes find the job at their next poll). */
  private wake(queue: string): void {
    const worker = this.workers.get(queue);
    if (worker !== undefined) this.boss.notifyWorker(worker);
  }

  async stop(): Promise<void> {
    // Jobs in flight finish or, after the timeout, expire and go to another process.
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
