// The home's side of private aggregation: its value of a metric over a period as a Prio3 report appended to its pod.
import type { Quad } from 'n3';
import { Buffer } from 'node:buffer';
import type { BrokerInfo, PublicRequest } from '../broker/contract.ts';
import { ValidationError } from '../errors.ts';
import {
  computeHomeValue,
  parsePeriod,
  periodsCovering,
  type DailySummary,
  type Period,
} from '../metrics/index.ts';
import type { PodLayout } from '../pod/index.ts';
import type { Prio3Task, RandomBytes } from '../private-aggregation/index.ts';
import type { PodWriter, WriteOutcome } from './pod-writer.ts';

/** What the gateway reports for one task, metric and period. */
export interface Prio3ReportRequest {
  task: Prio3Task;
  metricId: string;
  period: Period;
  /** The home's time zone, as for its summaries. */
  timeZone: string;
}

/**
 * The report document and its triples for the home's `summaries`, or null when the home does not count under
 * the coverage rule (as the plain mode leaves it out, a report would add a home the plain mode would not). The
 * value is computed by src/metrics exactly as the broker's plain mode does, then only its two sealed shares leave
 * this function: a banded metric's as the index of its band (Prio3Histogram), any other's as a sum (Prio3Sum).
 */
export async function buildPrio3Report(
  layout: PodLayout,
  request: Prio3ReportRequest,
  summaries: readonly DailySummary[],
  randomBytes?: RandomBytes,
): Promise<{ url: string; quads: Quad[] } | null> {
  const { task, metricId, period, timeZone } = request;
  const home = computeHomeValue(metricId, summaries, period, timeZone);
  if (!home.included || home.value === null) return null;
  // Prio3 and HPKE load only when a home reports: a gateway that never does (most) keeps them out of its memory.
  const { createHomeReport, prio3EncodingFor, reportQuads } = await import('../private-aggregation/index.ts');
  const encoding = prio3EncodingFor(metricId, period);
  const report = await createHomeReport(task, encoding, home.value, randomBytes);
  const url = layout.reportDocument(task.id, encoding.metricId, period.label);
  return { url, quads: reportQuads(report, task, url) };
}

/**
 * Creates the home's report document in its pod through the gateway's writer (Append on `homedata/reports/`,
 * granted by pod set-up). A report is written once per task, metric and period: the create-only PUT leaves a
 * document that exists alone (`exists`), since a second report in it would make the aggregators refuse both.
 */
export async function writePrio3Report(
  writer: PodWriter,
  layout: PodLayout,
  request: Prio3ReportRequest,
  summaries: readonly DailySummary[],
): Promise<WriteOutcome | { kind: 'exists' } | { kind: 'not-included' }> {
  const built = await buildPrio3Report(layout, request, summaries);
  if (built === null) return { kind: 'not-included' };
  return writer.createOnce(built.url, built.quads);
}

/**
 * The reports a prio3 request asks of a home: one per metric and period of the request, for the task named by
 * the request's id and sealed to the two aggregators the broker publishes (`GET /api/broker`). The home needs
 * nothing else from the broker: its value never goes there.
 */
export function reportRequestsFor(
  request: Pick<PublicRequest, 'id' | 'metrics' | 'period' | 'granularity' | 'aggregation'>,
  info: Pick<BrokerInfo, 'privateAggregation'>,
  timeZone: string,
): Prio3ReportRequest[] {
  const aggregators = info.privateAggregation;
  if (request.aggregation !== 'prio3' || aggregators == null) {
    throw new ValidationError('Only a prio3 request of a broker with two aggregators asks for reports', {
      requestId: request.id,
    });
  }
  const task: Prio3Task = {
    id: request.id,
    aggregators: [
      { id: aggregators.leader.id, publicKey: Buffer.from(aggregators.leader.publicKey, 'base64') },
      { id: aggregators.helper.id, publicKey: Buffer.from(aggregators.helper.publicKey, 'base64') },
    ],
  };
  const periods = periodsCovering(request.granularity, request.period.from, request.period.to).map(
    parsePeriod,
  );
  return request.metrics.flatMap((metricId) =>
    periods.map((period) => ({ task, metricId, period, timeZone })),
  );
}
