// Writes daily summaries once a local day is complete: summarised by the metrics module, appended to summaries/<property>/YYYY-MM.ttl.
import {
  addDays,
  localDayStart,
  markStuckReadings,
  summariseReadings,
  type SensorRun,
} from '../metrics/index.ts';
import type { SummarisedDay } from './outbox-writer.ts';
import { summariesByDocument, summaryQuads } from '../pod/index.ts';
import type { FlusherParts } from './reading-flusher.ts';

/** Local dates summarised per round: bounds memory when a replay leaves months of days at once. */
const DATES_PER_ROUND = 7;

/**
 * The gateway_state fact holding each sensor's open stretch of one value: the readings of summarised days leave
 * the outbox, so a stuck sensor is followed from one round to the next through this (metrics/stuck-sensors.ts).
 */
export const STUCK_RUNS_STATE = 'stuckRuns';

/** The result of one summarising pass. */
export interface SummaryReport {
  /** Summaries written (one per property, room and day). */
  summaries: number;
  writes: number;
  retry?: { reason: string; retryAfterMs?: number };
}

/** Everything a summariser works with: what a flusher does, and the home's zone. */
export interface SummariserParts extends Omit<FlusherParts, 'now'> {
  timeZone: string;
  /** How long after local midnight a day counts as complete. */
  graceMs: number;
}

/** Summarises complete days from the readings kept in the outbox (the gateway never reads the pod back). */
export class DaySummariser {
  private readonly parts: SummariserParts;

  constructor(parts: SummariserParts) {
    this.parts = parts;
  }

  /** Local dates whose day ended more than the grace period before `now` and whose readings are all in the pod. */
  private async readyDates(now: Date): Promise<string[]> {
    const { reader, timeZone, graceMs } = this.parts;
    const dates = await reader.datesToSummarise();
    return dates
      .filter(
        ({ date, pending }) =>
          pending === 0 && localDayStart(addDays(date, 1), timeZone).getTime() + graceMs <= now.getTime(),
      )
      .map(({ date }) => date);
  }

  /** Summarises and writes every complete day; stops at the first write that must be retried. */
  async summarise(now: Date): Promise<SummaryReport> {
    const report: SummaryReport = { summaries: 0, writes: 0 };
    const dates = await this.readyDates(now);
    for (let start = 0; start < dates.length && !report.retry; start += DATES_PER_ROUND) {
      await this.summariseDates(dates.slice(start, start + DATES_PER_ROUND), now, report);
    }
    return report;
  }

  /** Summarises a few dates: one patch per monthly document, then records the days as done. */
  private async summariseDates(dates: string[], now: Date, report: SummaryReport): Promise<void> {
    const { reader, writer, pod, layout, quarantine, logger, timeZone } = this.parts;
    const readings = await reader.readingsOfDates(dates);
    const carried = (await reader.state<SensorRun[]>(STUCK_RUNS_STATE)) ?? [];
    const marked = markStuckReadings(readings, Array.isArray(carried) ? carried : []);
    const summaries = summariseReadings(marked.readings, timeZone, { now });
    for (const [url, members] of summariesByDocument(layout, summaries)) {
      const quads = members.flatMap((summary) => summaryQuads(summary, layout, timeZone));
      const outcome = await pod.insert(url, quads);
      const days = members.map((summary): SummarisedDay => ({
        property: summary.property,
        room: summary.room,
        date: summary.date,
        readings: summary.count,
      }));
      if (outcome.kind === 'retry') {
        report.retry = {
          reason: outcome.reason,
          ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
        };
        return;
      }
      if (outcome.kind === 'refused') {
        logger.error({ document: url, status: outcome.status }, 'pod refused daily summaries; quarantined');
        await quarantine.add(
          [
            {
              source: 'pod',
              where: url,
              reason: `pod answered ${outcome.status}: ${outcome.reason}`,
              raw: members,
            },
          ],
          now,
        );
        await writer.recordSummarised(days, 'refused');
        continue;
      }
      await writer.recordSummarised(days, 'written', members);
      report.summaries += days.length;
      report.writes++;
    }
    // Only once every document of these dates is done: a retried round starts again from the earlier runs.
    await writer.setState(STUCK_RUNS_STATE, marked.runs);
    logger.info({ dates, summaries: report.summaries }, 'daily summaries written');
  }
}
