// The gateway's side of private aggregation on its own: polls the broker's open prio3 tasks and writes each report
// the home owes once its period is over and summarised.
import { prio3TaskListSchema, type Prio3TaskView } from '../broker/contract.ts';
import { HomedataError, ValidationError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import { addDays, countPeriodsCovering, localDayStart, periodDays } from '../metrics/index.ts';
import type { PodLayout } from '../pod/index.ts';
import type { OutboxReader } from './outbox-reader.ts';
import type { OutboxWriter } from './outbox-writer.ts';
import type { PodWriter } from './pod-writer.ts';
import { reportRequestsFor, writePrio3Report, type Prio3ReportRequest } from './prio3-reports.ts';

/** A broker that does not answer within this is unreachable for this poll. */
const TASKS_TIMEOUT_MS = 15_000;
/** A task list is a few hundred bytes per task; anything far larger is not the broker's contract. */
const MAX_TASKS_BYTES = 1024 * 1024;
/** More periods than ten years of months is no request the broker's limits allow: such a task is skipped. */
const MAX_PERIODS_PER_TASK = 120;

/** Everything the poller works with; the outbox and pod writer are the gateway's own. */
export interface Prio3PollerParts {
  /** The broker's base URL, ending in `/`. */
  brokerUrl: string;
  intervalMs: number;
  reader: OutboxReader;
  writer: OutboxWriter;
  pod: PodWriter;
  layout: PodLayout;
  logger: Logger;
  now: () => Date;
  /** The home's time zone, as for its summaries. */
  timeZone: string;
  /** How long after local midnight a day counts as complete (the summariser's grace). */
  graceMs: number;
  fetch?: typeof fetch;
}

/** What one poll did. */
export interface Prio3PollReport {
  tasks: number;
  written: number;
  /** Reports whose document was there already (written before a restart lost the record of it). */
  existing: number;
  /** Periods the home does not count for under the coverage rule, or has no summaries of. */
  notIncluded: number;
  /** Periods not over yet, or whose last days still wait for their daily summaries. */
  waiting: number;
  refused: number;
  /** Why the poll stopped early: the broker's list could not be had, or the pod asked to retry later. */
  error?: string;
}

/** The open prio3 tasks from the broker, checked against the contract; throws a HomedataError saying what failed. */
export async function fetchPrio3Tasks(fetchFn: typeof fetch, brokerUrl: string): Promise<Prio3TaskView[]> {
  const url = new URL('api/prio3/tasks', brokerUrl);
  let text: string;
  try {
    const response = await fetchFn(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(TASKS_TIMEOUT_MS),
    });
    if (!response.ok) {
      throw new HomedataError('broker-unavailable', 502, `The broker answered ${response.status}`, {
        url: url.href,
        status: response.status,
      });
    }
    text = await response.text();
  } catch (error) {
    if (error instanceof HomedataError) throw error;
    throw new HomedataError(
      'broker-unavailable',
      502,
      `The broker is unreachable at ${url.origin}`,
      { url: url.href },
      error,
    );
  }
  if (text.length > MAX_TASKS_BYTES) {
    throw new ValidationError('The broker’s prio3 task list is too large', {
      url: url.href,
      length: text.length,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ValidationError('The broker’s prio3 task list is not JSON', { url: url.href });
  }
  const parsed = prio3TaskListSchema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError('The broker’s prio3 task list does not match its contract', {
      url: url.href,
      issues: parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    });
  }
  return parsed.data.tasks;
}

/**
 * Polls `GET /api/prio3/tasks` every `intervalMs` and writes the reports the home owes. A report is due once its
 * period's last local day is over (plus the summariser's grace) and summarised, so the value is computed from the
 * whole period exactly once; it is computed from the daily summaries the gateway kept (the gateway never reads the
 * pod back) and written with a create-only PUT, recorded in the outbox so a restart does not write it again. The
 * gateway writes for every open task, whatever the area: it does not know whether its resident consents (nobody
 * tells it), and a report nobody was granted Read on stays the resident's. Failures are logged and wait for the
 * next poll; none reaches the readings.
 */
export class Prio3ReportPoller {
  private readonly parts: Prio3PollerParts;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<Prio3PollReport> | undefined;

  constructor(parts: Prio3PollerParts) {
    this.parts = parts;
  }

  /** Polls now, then every interval until `stop`. */
  start(): void {
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.pollNow()
        .catch((error: unknown) => this.parts.logger.error({ err: error }, 'prio3 poll failed'))
        .finally(() => this.schedule(this.parts.intervalMs));
    }, delayMs);
  }

  /** One poll, after any poll still running; what failed is in the report and the log. */
  pollNow(): Promise<Prio3PollReport> {
    // A poll that failed outright (the outbox closed under it) must not keep the next one from running.
    const previous = (this.running ?? Promise.resolve(undefined)).catch(() => undefined);
    const next = previous.then(() => this.poll());
    this.running = next;
    return next;
  }

  /** Stops the timer and waits for a poll that is running. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async poll(): Promise<Prio3PollReport> {
    const { brokerUrl, logger } = this.parts;
    const report: Prio3PollReport = {
      tasks: 0,
      written: 0,
      existing: 0,
      notIncluded: 0,
      waiting: 0,
      refused: 0,
    };
    let tasks: Prio3TaskView[];
    try {
      tasks = await fetchPrio3Tasks(this.parts.fetch ?? fetch, brokerUrl);
    } catch (error) {
      report.error = (error as Error).message;
      logger.error(
        { err: error, broker: brokerUrl },
        'prio3 tasks not fetched; reports wait for the next poll',
      );
      return report;
    }
    report.tasks = tasks.length;
    for (const task of tasks) {
      if (report.error !== undefined || this.stopped) break;
      try {
        await this.reportOn(task, report);
      } catch (error) {
        // A task the broker got wrong (a period that ends before it starts) is skipped, never the gateway's end.
        logger.error({ err: error, task: task.id }, 'prio3 task skipped');
      }
    }
    if (report.written + report.existing + report.refused > 0 || report.error !== undefined) {
      logger.info({ ...report }, 'prio3 reports polled');
    }
    return report;
  }

  /** The reports one task asks of this home, each written if due and not written before. */
  private async reportOn(task: Prio3TaskView, report: Prio3PollReport): Promise<void> {
    const { logger, timeZone } = this.parts;
    const periods = countPeriodsCovering(task.granularity, task.period.from, task.period.to);
    if (periods > MAX_PERIODS_PER_TASK) {
      logger.error({ task: task.id, periods }, 'prio3 task spans too many periods; skipped');
      return;
    }
    const asked = reportRequestsFor(
      { ...task, aggregation: 'prio3' },
      { privateAggregation: task.aggregators },
      timeZone,
    );
    for (const request of asked) {
      if (report.error !== undefined || this.stopped) return;
      try {
        await this.reportOnce(request, report);
      } catch (error) {
        // One task's unknown metric or bad key must not keep the others from being reported.
        report.refused++;
        logger.error(
          { err: error, task: task.id, metric: request.metricId, period: request.period.label },
          'prio3 report not built',
        );
      }
    }
  }

  private async reportOnce(request: Prio3ReportRequest, report: Prio3PollReport): Promise<void> {
    const { reader, writer, pod, layout, logger } = this.parts;
    const key = { taskId: request.task.id, metricId: request.metricId, period: request.period.label };
    if (await reader.prio3ReportDone(key)) return;
    const days = periodDays(request.period);
    const first = days[0]!;
    const last = days.at(-1)!;
    if (!(await this.summarisedThrough(last))) {
      report.waiting++;
      return;
    }
    const summaries = await reader.keptSummaries(first, last);
    if (summaries.length === 0) {
      report.notIncluded++;
      return;
    }
    const outcome = await writePrio3Report(pod, layout, request, summaries);
    switch (outcome.kind) {
      case 'not-included':
        report.notIncluded++;
        return;
      case 'retry':
        report.error = `pod: ${outcome.reason}`;
        logger.warn({ ...key, reason: outcome.reason }, 'prio3 report not written; retried at the next poll');
        return;
      case 'refused':
        report.refused++;
        await writer.recordPrio3Report(key, 'refused');
        logger.error(
          { ...key, status: outcome.status, reason: outcome.reason },
          'pod refused a prio3 report',
        );
        return;
      case 'exists':
        report.existing++;
        await writer.recordPrio3Report(key, 'written');
        return;
      case 'written':
        report.written++;
        await writer.recordPrio3Report(key, 'written');
        logger.info(key, 'prio3 report written');
    }
  }

  /** Whether the local day `last` is over (with the grace) and no reading up to it still waits for its summary. */
  private async summarisedThrough(last: string): Promise<boolean> {
    const { now, timeZone, graceMs, reader } = this.parts;
    if (now().getTime() < localDayStart(addDays(last, 1), timeZone).getTime() + graceMs) return false;
    const earliest = await reader.earliestUnsummarisedDate();
    return earliest === undefined || earliest > last;
  }
}
