// Builds the broker's run queue: in this process on an embedded database, shared through pg-boss on PostgreSQL.
import type { Logger } from '../../logging.ts';
import { cryptoRandomSource, type RandomSource } from '../../privacy/index.ts';
import type { ConsentedReader } from '../aggregation/home-reader.ts';
import type { BrokerLimits } from '../config.ts';
import type { Database } from '../db/database.ts';
import { InProcessRunQueue } from './in-process-queue.ts';
import { PgBossRunQueue } from './pg-boss-queue.ts';
import { DEFAULT_HOME_CONCURRENCY, RunExecutor } from './run-executor.ts';
import type { Prio3Leader } from '../private-aggregation/leader-config.ts';
import { ShardedRuns } from './sharded-runs.ts';

/** How routes hand a new run to whatever executes runs. */
export interface RunQueue {
  /** Starts executing: picks up runs left queued or interrupted by an earlier process. */
  start(): Promise<void>;
  /** Schedules a run just created in the `runs` table. */
  enqueue(runId: string): Promise<void>;
  /** Stops taking runs and interrupts the current one between homes; it goes back to the queue. */
  stop(): Promise<void>;
}

/** What the run queue is built from at the composition root. */
export interface RunQueueDeps {
  db: Database;
  /** The PostgreSQL the database is on, if it is: runs are then shared with other brokers on it through pg-boss. */
  postgres?: { url: string; schema?: string };
  reader: ConsentedReader;
  clock: () => Date;
  logger: Logger;
  kFloor: number;
  /** Runs at once, attempts per run, cells per run, the per-home deadline and homes per shard (config `limits`). */
  limits: BrokerLimits;
  /** DP noise source; default a CSPRNG (node:crypto). Tests pass a seeded one. */
  random?: RandomSource;
  /** Homes read at once per run (or per shard). */
  homeConcurrency?: number;
  /** The broker as Prio3 leader, when configured. */
  prio3?: Prio3Leader;
}

/** The run queue of one broker process. */
export function createRunQueue(deps: RunQueueDeps): RunQueue {
  const logger = deps.logger.child({ part: 'runs' });
  const executor = new RunExecutor({ ...deps, logger, random: deps.random ?? cryptoRandomSource() });
  if (deps.postgres === undefined) {
    return new InProcessRunQueue({
      db: deps.db,
      executor,
      logger,
      clock: deps.clock,
      exclusive: deps.db.kind === 'pglite',
      concurrency: deps.limits.runConcurrency,
      maxRunAttempts: deps.limits.maxRunAttempts,
    });
  }
  const runs = new ShardedRuns({ ...deps, executor, logger });
  // pg-boss's tables (job, queue, version, …) share the broker's schema when it has one, so that dropping the
  // schema removes both; a broker in the default search path keeps them in pg-boss's own `pgboss` schema.
  const schema = deps.postgres.schema ?? 'pgboss';
  return new PgBossRunQueue({
    db: deps.db,
    url: deps.postgres.url,
    schema,
    runs,
    logger,
    clock: deps.clock,
    limits: deps.limits,
    homeConcurrency: deps.homeConcurrency ?? DEFAULT_HOME_CONCURRENCY,
  });
}
