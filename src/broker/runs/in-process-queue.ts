// The broker's own run queue: runs execute one after another in this process; the queue is the `runs` table.
import type { Logger } from '../../logging.ts';
import type { Queryable } from '../db/database.ts';
import type { RunExecutor } from './run-executor.ts';
import type { RunQueue } from './run-queue.ts';
import { listQueuedRuns } from './run-reader.ts';
import { requeueInterruptedRuns } from './run-transactor.ts';

/** How long stop() waits for the current run to notice it is interrupted. */
const STOP_GRACE_MS = 10_000;

/**
 * A running run writes its progress (its heartbeat) at least this often while homes are being read; one silent for
 * longer on a shared database belongs to a process that died.
 */
export const STALE_RUN_MS = 120_000;

/** How often a broker on a shared database looks for queued runs and runs whose process died. */
const SWEEP_INTERVAL_MS = 30_000;

/** What the queue works with. */
export interface InProcessRunQueueDeps {
  db: Queryable;
  executor: RunExecutor;
  logger: Logger;
  clock: () => Date;
  /**
   * Whether this process is the only one using the database (embedded PGlite): then every run still marked
   * running at start was cut off by a crash. On a shared PostgreSQL only runs without a recent heartbeat are, and
   * the queue looks again every 30 s.
   */
  exclusive: boolean;
}

/**
 * Executes queued runs in this process, oldest first, one at a time (each run reads its homes concurrently).
 * The queue itself is the `runs` table, so nothing is lost when the process stops; several processes on one
 * PostgreSQL share it safely, since a run is claimed with a conditional update.
 */
export class InProcessRunQueue implements RunQueue {
  private readonly db: Queryable;
  private readonly executor: RunExecutor;
  private readonly logger: Logger;
  private readonly clock: () => Date;
  private readonly exclusive: boolean;
  private readonly abort = new AbortController();
  private draining: Promise<void> | null = null;
  private again = false;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(deps: InProcessRunQueueDeps) {
    this.db = deps.db;
    this.executor = deps.executor;
    this.logger = deps.logger;
    this.clock = deps.clock;
    this.exclusive = deps.exclusive;
  }

  async start(): Promise<void> {
    await this.requeueInterrupted();
    this.kick();
    if (!this.exclusive) {
      this.sweeper = setInterval(() => {
        this.requeueInterrupted().then(
          () => this.kick(),
          () => undefined,
        );
      }, SWEEP_INTERVAL_MS);
      this.sweeper.unref();
    }
  }

  /** Queues again the runs whose process stopped while running them. */
  private async requeueInterrupted(): Promise<void> {
    const now = this.clock().getTime();
    const staleBefore = new Date(this.exclusive ? now + 1 : now - STALE_RUN_MS);
    const requeued = await requeueInterruptedRuns(this.db, staleBefore);
    if (requeued.length > 0) this.logger.info({ runs: requeued }, 'interrupted runs queued again');
  }

  async enqueue(_runId: string): Promise<void> {
    this.kick();
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    this.abort.abort();
    const current = this.draining;
    if (current === null) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOP_GRACE_MS);
    });
    await Promise.race([current, timeout]);
    clearTimeout(timer);
  }

  /** Starts draining, or asks the running drain to look again when it is done. */
  private kick(): void {
    if (this.abort.signal.aborted) return;
    if (this.draining !== null) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .catch((error: unknown) => {
        this.logger.error({ error: error instanceof Error ? error.name : String(error) }, 'run queue failed');
      })
      .finally(() => {
        this.draining = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Executes queued runs until none is left. */
  private async drain(): Promise<void> {
    for (;;) {
      this.again = false;
      const queued = await listQueuedRuns(this.db);
      if (queued.length === 0) return;
      for (const { id } of queued) {
        if (this.abort.signal.aborted) return;
        await this.executor.execute(id, this.abort.signal);
      }
    }
  }
}
