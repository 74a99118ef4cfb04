// The embedded broker's run queue: runs execute one after another in this process, queued runs survive a restart.
import type { Logger } from '../../logging.ts';
import type { Queryable } from '../db/database.ts';
import type { RunExecutor } from './run-executor.ts';
import { listQueuedRuns } from './run-reader.ts';
import { requeueInterruptedRuns } from './run-transactor.ts';

/** How routes hand a new run to whatever executes runs. */
export interface RunQueue {
  /** Starts executing: picks up runs left queued or interrupted by an earlier process. */
  start(): Promise<void>;
  /** Schedules a run just created in the `runs` table. */
  enqueue(runId: string): Promise<void>;
  /** Stops taking runs and interrupts the current one between homes; it goes back to the queue. */
  stop(): Promise<void>;
}

/** How long stop() waits for the current run to notice it is interrupted. */
const STOP_GRACE_MS = 10_000;

/**
 * Executes queued runs in this process, oldest first, one at a time (each run reads its homes concurrently).
 * The queue itself is the `runs` table, so nothing is lost when the process stops.
 */
export class InProcessRunQueue implements RunQueue {
  private readonly db: Queryable;
  private readonly executor: RunExecutor;
  private readonly logger: Logger;
  private readonly clock: () => Date;
  private readonly abort = new AbortController();
  private draining: Promise<void> | null = null;
  private again = false;

  constructor(deps: { db: Queryable; executor: RunExecutor; logger: Logger; clock: () => Date }) {
    this.db = deps.db;
    this.executor = deps.executor;
    this.logger = deps.logger;
    this.clock = deps.clock;
  }

  async start(): Promise<void> {
    // One process owns an embedded database, so any run still marked running was cut off by a crash.
    const requeued = await requeueInterruptedRuns(this.db, new Date(this.clock().getTime() + 1));
    if (requeued.length > 0) this.logger.info({ runs: requeued }, 'interrupted runs queued again');
    this.kick();
  }

  async enqueue(): Promise<void> {
    this.kick();
  }

  async stop(): Promise<void> {
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
