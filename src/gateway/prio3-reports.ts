// The home's side of private aggregation: its value of a metric over a period (or its values of a request's sum
// metrics, as one vector) as a Prio3 report appended to its pod.
import type { Quad } from 'n3';
import { Buffer } from 'node:buffer';
import type { BrokerInfo, PublicRequest } from '../broker/contract.ts';
import { ValidationError } from '../errors.ts';
import {
  computeHomeValue,
  parsePeriod,
  periodsCovering,
  type DailySummary,
  type MetricId,
  type Period,
  vectorMetrics,
} from '../metrics/index.ts';
import type { PodLayout } from '../pod/index.ts';
import type { Prio3Task, RandomBytes } from '../private-aggregation/index.ts';
import type { PodWriter, WriteOutcome } from './pod-writer.ts';

/** What the gateway reports for one task, metric and period. */
export interface Prio3ReportRequest {
  task: Prio3Task;
  /**
   * The metric, or a vector report's metrics (vectorMetrics) joined by `,`, as aggregation jobs name them: one key
   * per report document, also the outbox's record that it was written.
   */
  metricId: string;
  period: Period;
  /** The home's time zone, as for its summaries. */
  timeZone: string;
}

/**
 * The report document and its triples for the home's `summaries`, or null when the home does not count under
 * the coverage rule (as the plain mode leaves it out, a report would add a home the plain mode would not). The
 * value is computed by src/metrics exactly as the broker's plain mode does, then only its two sealed shares leave
 * this function: a banded metric's as the index of its band (Prio3Histogram), any other's as a sum (Prio3Sum). A
 * vector request's values go in one Prio3SumVec report, its hd:countsFor naming the metrics the home counts for
 * (null when it counts for none).
 */
export async function buildPrio3Report(
  layout: PodLayout,
  request: Prio3ReportRequest,
  summaries: readonly DailySummary[],
  randomBytes?: RandomBytes,
): Promise<{ url: string; quads: Quad[] } | null> {
  const { task, metricId, period, timeZone } = request;
  const metricIds = metricId.split(',');
  if (metricIds.length > 1) return buildVectorReport(layout, request, metricIds, summaries, randomBytes);
  const home = computeHomeValue(metricId, summaries, period, timeZone);
  if (!home.included || home.value === null) return null;
  // Prio3 and HPKE load only when a home reports: a gateway that never does (most) keeps them out of its memory.
  const { createHomeReport, prio3EncodingFor, reportQuads } = await import('../private-aggregation/index.ts');
  const encoding = prio3EncodingFor(metricId, period);
  const report = await createHomeReport(task, encoding, home.value, randomBytes);
  const url = layout.reportDocument(task.id, encoding.metricId, period.label);
  return { url, quads: reportQuads(report, task, url) };
}

/** A vector request's report (buildPrio3Report): its sum metrics' values in one document per task and period. */
async function buildVectorReport(
  layout: PodLayout,
  request: Prio3ReportRequest,
  metricIds: readonly string[],
  summaries: readonly DailySummary[],
  randomBytes?: RandomBytes,
): Promise<{ url: string; quads: Quad[] } | null> {
  const { task, period, timeZone } = request;
  const values = new Map(
    metricIds.map((id) => [id, computeHomeValue(id, summaries, period, timeZone)] as const),
  );
  if (![...values.values()].some((home) => home.included && home.value !== null)) return null;
  const { createVectorReport, reportQuads, sumVectorEncodingFor } =
    await import('../private-aggregation/index.ts');
  const report = await createVectorReport(task, sumVectorEncodingFor(metricIds, period), values, randomBytes);
  const url = layout.vectorReportDocument(task.id, period.label);
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
 * The reports a prio3 request asks of a home, for the task named by the request's id and sealed to the two
 * aggregators the broker publishes (`GET /api/broker`): per period, one vector report of its sum metrics when it
 * has two or more (vectorMetrics), and one report per other metric. The home needs nothing else from the broker:
 * its value never goes there.
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
  const inVector = vectorMetrics(request.metrics);
  const keys = [
    ...request.metrics.filter((metricId) => !inVector.includes(metricId as MetricId)),
    ...(inVector.length === 0 ? [] : [inVector.join(',')]),
  ];
  return keys.flatMap((metricId) => periods.map((period) => ({ task, metricId, period, timeZone })));
}
