// Decides when to flush: every interval, early past a reading threshold, later after a failure (backoff); then summarises.
import { TimeoutError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import type { RandomSource } from '../random-source.ts';
import { retryDelay, type BackoffPolicy } from '../pod/index.ts';
import type { DaySummariser } from './day-summariser.ts';
import type { OutboxReader } from './outbox-reader.ts';
import type { OutboxWriter } from './outbox-writer.ts';
import type { ReadingFlusher } from './reading-flusher.ts';

const DAY_MS = 86_400_000;

/** When and how the last flush ended, as kept in the outbox for `gateway status`. */
export interface FlushRecord {
  at: string;
  delivered: number;
  writes: number;
}

/** The last failure, as kept in the outbox for `gateway status`. */
export interface ErrorRecord {
  at: string;
  message: string;
}

/** The scheduler's view for status reports. */
export interface SchedulerState {
  flushing: boolean;
  /** Consecutive failed flushes. */
  failures: number;
  nextAttemptAt?: string;
  lastFlush?: FlushRecord;
  lastError?: ErrorRecord;
  /** Readings delivered and pod writes since start. */
  delivered: number;
  writes: number;
}

/** One flush-and-summarise pass. */
export interface PassReport {
  delivered: number;
  writes: number;
  summaries: number;
  /** Set when the pass stopped at a write to retry. */
  retry?: { reason: string; retryAfterMs?: number };
}

/** Everything the scheduler drives. */
export interface SchedulerParts {
  flusher: ReadingFlusher;
  /** Absent when summaries are disabled. */
  summariser?: DaySummariser;
  reader: OutboxReader;
  writer: OutboxWriter;
  logger: Logger;
  now: () => Date;
  random: RandomSource;
  intervalMs: number;
  maxReadings: number;
  retry: BackoffPolicy;
  dedupRetentionDays: number;
  /** Called after every pass (the status file is rewritten). */
  onPass?: () => void;
}

/** Runs flush passes one at a time, on a timer or on demand. */
export class FlushScheduler {
  private readonly parts: SchedulerParts;
  readonly state: SchedulerState = { flushing: false, failures: 0, delivered: 0, writes: 0 };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PassReport> | undefined;
  private waiting = 0;
  private stopped = true;
  /** Set when a stop cannot wait for the pass to finish: the pass ends after the writes in flight. */
  private cutShort = false;
  private lastPruneAt = 0;

  constructor(parts: SchedulerParts) {
    this.parts = parts;
  }

  /** Loads the last flush and error and the pending count from the outbox, then (unless `manual`) starts the timer. */
  async start(manual = false): Promise<void> {
    this.state.lastFlush = await this.parts.reader.state<FlushRecord>('lastFlush');
    this.state.lastError = await this.parts.reader.state<ErrorRecord>('lastError');
    this.waiting = await this.parts.reader.pendingCount();
    if (manual) return;
    this.stopped = false;
    // Readings left by a previous run go out at once: a restart resumes where it stopped.
    this.schedule(this.waiting > 0 ? 0 : this.parts.intervalMs);
  }

  /** Told that readings were committed; flushes early once enough wait (unless backing off after a failure). */
  notifyAccepted(count: number): void {
    this.waiting += count;
    if (
      !this.stopped &&
      this.waiting >= this.parts.maxReadings &&
      !this.running &&
      this.state.failures === 0
    ) {
      this.schedule(0);
    }
  }

  /** Runs a pass now (after the current one, if any) and returns its report. */
  async flushNow(): Promise<PassReport> {
    await this.idle();
    return this.pass();
  }

  /** Passes until the outbox holds nothing for the pod, waiting out backoff; throws after `timeoutMs`. */
  async drain(timeoutMs: number, onProgress?: (delivered: number) => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const report = await this.flushNow();
      onProgress?.(this.state.delivered);
      if (!report.retry && (await this.parts.reader.pendingCount()) === 0) return;
      const wait = report.retry
        ? retryDelay(this.state.failures, this.parts.retry, this.parts.random, report.retry.retryAfterMs)
        : 0;
      if (Date.now() + wait > deadline) {
        throw new TimeoutError(
          `outbox not drained within ${timeoutMs} ms: ${report.retry?.reason ?? 'readings left'}`,
          { timeoutMs },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Stops the timer; a running pass goes on (see `idle`). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Ends the running pass early: writes in flight finish and are recorded, no new one starts. */
  cutPassShort(): void {
    this.cutShort = true;
  }

  /** Resolves when no pass is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  /** Sets the timer for the next pass. */
  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.state.nextAttemptAt = new Date(this.parts.now().getTime() + delayMs).toISOString();
    this.timer = setTimeout(() => {
      void this.flushNow().catch((error: unknown) =>
        this.parts.logger.error({ err: error }, 'flush pass failed'),
      );
    }, delayMs);
  }

  /** One pass: flush, then summarise complete days, then record the outcome and set the next timer. */
  private pass(): Promise<PassReport> {
    const run = this.runPass();
    this.running = run;
    void run
      .then(
        (report) =>
          this.schedule(
            report.retry
              ? retryDelay(
                  this.state.failures,
                  this.parts.retry,
                  this.parts.random,
                  report.retry.retryAfterMs,
                )
              : this.parts.intervalMs,
          ),
        () => this.schedule(retryDelay(++this.state.failures, this.parts.retry, this.parts.random)),
      )
      .finally(() => {
        if (this.running === run) this.running = undefined;
        this.parts.onPass?.();
      });
    return run;
  }

  /** The body of a pass. */
  private async runPass(): Promise<PassReport> {
    const { flusher, summariser, reader, logger, now } = this.parts;
    this.state.flushing = true;
    clearTimeout(this.timer);
    try {
      if (this.waiting > 0) logger.debug({ pending: this.waiting }, 'flush started');
      const deliveredBefore = this.state.delivered;
      const flushed = await flusher.flush(
        (delivered) => {
          this.state.delivered = deliveredBefore + delivered;
        },
        () => this.cutShort,
      );
      this.state.writes += flushed.writes;
      const report: PassReport = { delivered: flushed.delivered, writes: flushed.writes, summaries: 0 };
      if (flushed.retry) report.retry = flushed.retry;
      else if (summariser && !this.cutShort) {
        const summarised = await summariser.summarise(now());
        report.summaries = summarised.summaries;
        report.writes += summarised.writes;
        this.state.writes += summarised.writes;
        if (summarised.retry) report.retry = summarised.retry;
      }
      await this.record(report);
      if (!report.retry) await this.pruneKeys();
      this.waiting = await reader.pendingCount();
      if (report.delivered > 0 || report.summaries > 0) {
        logger.info(
          {
            delivered: report.delivered,
            writes: report.writes,
            summaries: report.summaries,
            pending: this.waiting,
          },
          'flushed',
        );
      }
      return report;
    } finally {
      this.state.flushing = false;
    }
  }

  /** Keeps the outcome in memory and in the outbox. */
  private async record(report: PassReport): Promise<void> {
    const at = this.parts.now().toISOString();
    if (report.retry) {
      this.state.failures++;
      this.state.lastError = { at, message: report.retry.reason };
      this.parts.logger.warn(
        { failures: this.state.failures, reason: report.retry.reason },
        'pod write failed; will retry',
      );
      await this.parts.writer.setState('lastError', this.state.lastError);
    } else {
      this.state.failures = 0;
    }
    if (report.writes > 0 || !report.retry) {
      this.state.lastFlush = { at, delivered: report.delivered, writes: report.writes };
      await this.parts.writer.setState('lastFlush', this.state.lastFlush);
    }
  }

  /** Once a day, forgets delivered keys and kept summaries older than the retention. */
  private async pruneKeys(): Promise<void> {
    const now = this.parts.now().getTime();
    if (now - this.lastPruneAt < DAY_MS) return;
    this.lastPruneAt = now;
    const before = new Date(now - this.parts.dedupRetentionDays * DAY_MS);
    await this.parts.writer.pruneDeliveredKeys(before);
    await this.parts.writer.pruneKeptSummaries(before.toISOString().slice(0, 10));
  }
}
