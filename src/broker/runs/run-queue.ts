// Builds the broker's run queue: runs execute in this process, the queue itself being the `runs` table.
import type { Logger } from '../../logging.ts';
import { cryptoRandomSource, type RandomSource } from '../../privacy/index.ts';
import type { ConsentedReader } from '../aggregation/home-reader.ts';
import type { Database } from '../db/database.ts';
import { InProcessRunQueue, type RunQueue } from './in-process-queue.ts';
import { RunExecutor } from './run-executor.ts';

export type { RunQueue } from './in-process-queue.ts';

/** What the run queue is built from at the composition root. */
export interface RunQueueDeps {
  db: Database;
  reader: ConsentedReader;
  clock: () => Date;
  logger: Logger;
  kFloor: number;
  /** DP noise source; default a CSPRNG (node:crypto). Tests pass a seeded one. */
  random?: RandomSource;
  /** Homes read at once per run. */
  homeConcurrency?: number;
}

/** The run queue of one broker process. */
export function createRunQueue(deps: RunQueueDeps): RunQueue {
  const logger = deps.logger.child({ part: 'runs' });
  const executor = new RunExecutor({ ...deps, logger, random: deps.random ?? cryptoRandomSource() });
  return new InProcessRunQueue({
    db: deps.db,
    executor,
    logger,
    clock: deps.clock,
    exclusive: deps.db.kind === 'pglite',
  });
}
