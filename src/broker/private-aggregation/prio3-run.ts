// A prio3 run as the leader: reads each consenting home's profile and reports, then collects each cell with the helper.
import { createHash } from 'node:crypto';
import { Store } from 'n3';
import { ForbiddenError, PodError } from '../../errors.ts';
import type { Logger } from '../../logging.ts';
import { parsePeriod, vectorMetrics } from '../../metrics/index.ts';
import { PodLayout } from '../../pod/index.ts';
import {
  monthsOfInterval,
  suppressedCell,
  type CellRelease,
  type RandomSource,
} from '../../privacy/index.ts';
import {
  encodingMetrics,
  isMetricReport,
  prio3EncodingFor,
  readReportDocument,
  releaseCollectedVector,
  reportIdHex,
  sumVectorEncodingFor,
  type Prio3Encoding,
  type Prio3Report,
  type Prio3ReportEncoding,
  type SumVectorEncoding,
} from '../../private-aggregation/index.ts';
import { DWELLING_TYPES, type DwellingType } from '../../vocab/index.ts';
import { cellLabel, type CellPosition, type Cohort } from '../aggregation/cohorts.ts';
import type { ConsentedReader, SkipReason } from '../aggregation/home-reader.ts';
import { readHomePlacement } from '../aggregation/home-profile-reader.ts';
import type { HomePlacement } from '../../pod/index.ts';
import type { RunPlan } from '../aggregation/run-plan.ts';
import type { DateRange } from '../aggregation/summary-reader.ts';
import { parseTurtleStream } from '../aggregation/turtle-stream.ts';
import type { ConsentRow } from '../db/schema/consents.ts';
import type { BodyParser, PodDocument } from '../pod-access/audited-pod-reader.ts';
import type { JobHome } from './helper-protocol.ts';
import { collectPrio3Batch, collectPrio3Cell, type Prio3BatchInput } from './leader-collection.ts';
import type { Prio3Leader } from './leader-config.ts';

/** What a report document gave: a report sealed to this task's aggregators, or why it gave none. */
type ReportSlot = Prio3Report<Prio3ReportEncoding> | 'missing' | 'malformed';

/** The slot key of a home's vector report (no metric id is `vector`). */
const VECTOR = 'vector';

/** One home as a prio3 run reads it: where it counts, a version of each document, and its reports by cell. */
export interface Prio3Home {
  profile: HomePlacement;
  /** Per document URL, its ETag or status: two releases over the same reports name the same versions. */
  versions: Map<string, string>;
  /**
   * By `<metric>|<period>`, or `vector|<period>` for the request's vector report (vectorMetrics). Sealed shares only:
   * the leader can open its own, which is random without the other.
   */
  reports: Map<string, { url: string; slot: ReportSlot }>;
}

type Prio3Document = { profile: HomePlacement | null } | { report: ReportSlot };

/** The key of a home's report for one metric and period. */
function slotKey(metric: string, period: string): string {
  return `${metric}|${period}`;
}

/**
 * Reads a home's profile and its reports for the request (the task) in one audited batch: each read has its
 * access record in the resident's pod before it is used, as in a plain run. Each period's sum metrics are in one
 * vector report when the request has two or more (vectorMetrics), every other metric in its own. A report that is
 * not exactly one valid report of the expected metrics for this task, sealed to this leader and helper, is
 * `malformed`; none at all is `missing`.
 */
export async function readPrio3Home(
  reader: ConsentedReader,
  consent: Pick<ConsentRow, 'request_id' | 'resident_webid' | 'pod' | 'record_iri'>,
  plan: RunPlan,
  leader: Prio3Leader,
  runId: string,
): Promise<Prio3Home | SkipReason> {
  const layout = new PodLayout(consent.pod);
  const taskId = consent.request_id;
  const inVector = vectorMetrics(plan.metrics.map((metric) => metric.id));
  const wanted = plan.periods.flatMap((period) => [
    ...plan.metrics
      .filter((metric) => !inVector.includes(metric.id))
      .map((metric) => ({
        key: slotKey(metric.id, period.label),
        url: layout.reportDocument(taskId, metric.id, period.label),
        metrics: metric.id,
      })),
    ...(inVector.length === 0
      ? []
      : [
          {
            key: slotKey(VECTOR, period.label),
            url: layout.vectorReportDocument(taskId, period.label),
            metrics: inVector.join(','),
          },
        ]),
  ]);
  const expected = new Map(wanted.map((slot) => [slot.url, slot.metrics]));
  const [leaderId, helperId] = leader.aggregators.map((aggregator) => aggregator.id);
  const parse: BodyParser<Prio3Document> = async (response, url, caps) => {
    if (url === layout.homeProfile) {
      return { profile: response.body === null ? null : await readHomePlacement(response.body, url, caps) };
    }
    if (response.body === null) return { report: 'missing' };
    const store = new Store();
    await parseTurtleStream(response.body, url, (quad) => store.addQuad(quad), caps);
    try {
      const stored = readReportDocument(store, url);
      const sealedToUs = stored.aggregatorIds[0] === leaderId && stored.aggregatorIds[1] === helperId;
      const ours =
        sealedToUs &&
        stored.report.taskId === taskId &&
        encodingMetrics(stored.report.encoding) === expected.get(url);
      return { report: ours ? stored.report : 'malformed' };
    } catch {
      return { report: 'malformed' };
    }
  };
  let documents: PodDocument<Prio3Document>[];
  try {
    documents = await reader.readUnderConsent(
      consent,
      [layout.homeProfile, ...wanted.map((slot) => slot.url)],
      { parse, runId },
    );
  } catch (error) {
    if (error instanceof ForbiddenError) return 'consent-inactive';
    if (error instanceof PodError) return 'pod-failed';
    throw error;
  }
  let profile: HomePlacement | null = null;
  const versions = new Map<string, string>();
  const reports = new Map<string, { url: string; slot: ReportSlot }>();
  for (const [index, document] of documents.entries()) {
    versions.set(
      document.url,
      document.etag === null ? `status:${document.status}` : `etag:${document.etag}`,
    );
    const body = document.body;
    if (index === 0) {
      profile = body !== null && 'profile' in body ? body.profile : null;
      continue;
    }
    const slot = wanted[index - 1]!;
    reports.set(slot.key, {
      url: slot.url,
      slot: body !== null && 'report' in body ? body.report : 'missing',
    });
  }
  return profile === null ? 'no-profile' : { profile, versions, reports };
}

/** A home behind a report of a batch: its opaque key, its data versions, and what the helper is told of it. */
interface BatchHome {
  key: string;
  versions: Record<string, string>;
  job: JobHome;
}

/** One cell of a prio3 run before collection: its reports and, per report id, the home it came from. */
interface Prio3Cell extends CellPosition {
  reports: Prio3Report<Prio3Encoding>[];
  /** By report id: the home's opaque key, its data versions, and what the helper is told of it (pod, consent). */
  homes: Map<string, BatchHome>;
  /** Homes of the cell with no report, or one that is not valid for the task (left out, like low coverage). */
  leftOut: number;
  interval: DateRange;
}

/**
 * The vector reports of one area, dwelling type and period: one batch for all the vector's metric cells there. Each
 * home's public hd:countsFor names the cells it counts in (the leader would learn as much from per-metric reports).
 */
interface Prio3VectorBatch extends Omit<CellPosition, 'metric'> {
  encoding: SumVectorEncoding;
  reports: Prio3Report<SumVectorEncoding>[];
  homes: Map<string, BatchHome & { countsFor: readonly string[] }>;
  interval: DateRange;
}

/** A home's data versions for a cell, per month: a digest of its profile's and its report's versions. */
function reportVersions(home: Prio3Home, profileUrl: string, reportUrl: string, months: readonly string[]) {
  const digest = createHash('sha256')
    .update(`${home.versions.get(profileUrl) ?? '-'};${home.versions.get(reportUrl) ?? '-'}`)
    .digest('hex')
    .slice(0, 16);
  return Object.fromEntries(months.map((month) => [month, digest]));
}

/**
 * Groups the homes of a prio3 run into the plan's cells; a home counts once, in its own area and dwelling type.
 * The vector's metrics (vectorMetrics) are collected per area, dwelling type and period as one batch of vector
 * reports; their cells hold only what was left out of them.
 */
export class Prio3CellTable {
  private readonly plan: RunPlan;
  private readonly inVector: readonly string[];
  private readonly cells = new Map<string, Prio3Cell>();
  private readonly vectors = new Map<string, Prio3VectorBatch>();
  private readonly members = new Set<string>();

  constructor(plan: RunPlan) {
    this.plan = plan;
    this.inVector = vectorMetrics(plan.metrics.map((metric) => metric.id));
  }

  /**
   * Adds a home (its opaque key, its pod and consent record, and what was read); returns whether it gave at least
   * one usable report.
   */
  add(key: string, consent: JobHome, home: Prio3Home): boolean {
    const { pod } = consent;
    if (!this.plan.areas.includes(home.profile.area) || this.members.has(key)) return false;
    this.members.add(key);
    const profileUrl = new PodLayout(pod).homeProfile;
    const area = home.profile.area;
    const dwellingType = this.plan.byDwellingType ? home.profile.dwellingType : null;
    let counted = false;
    for (const period of this.plan.periods) {
      for (const metric of this.plan.metrics) {
        if (this.inVector.includes(metric.id)) continue;
        const cell = this.cell({ area, dwellingType, period: period.label, metric: metric.id });
        const found = home.reports.get(slotKey(metric.id, period.label));
        if (found === undefined || typeof found.slot === 'string' || !isMetricReport(found.slot)) {
          cell.leftOut++;
          continue;
        }
        counted = true;
        cell.reports.push(found.slot);
        cell.homes.set(reportIdHex(found.slot), {
          key,
          versions: reportVersions(home, profileUrl, found.url, monthsOfInterval(cell.interval)),
          job: consent,
        });
      }
      if (this.inVector.length === 0) continue;
      const batch = this.vector(area, dwellingType, period.label);
      const found = home.reports.get(slotKey(VECTOR, period.label));
      const countsFor: readonly string[] =
        found === undefined || typeof found.slot === 'string' ? [] : (found.slot.countsFor ?? []);
      for (const metricId of this.inVector) {
        if (!countsFor.includes(metricId))
          this.cell({ area, dwellingType, period: period.label, metric: metricId }).leftOut++;
      }
      if (found === undefined || typeof found.slot === 'string' || countsFor.length === 0) continue;
      counted = true;
      // readPrio3Home took it only as a report of exactly the vector's metrics: its encoding is the batch's.
      batch.reports.push(found.slot as Prio3Report<SumVectorEncoding>);
      batch.homes.set(reportIdHex(found.slot), {
        key,
        versions: reportVersions(home, profileUrl, found.url, monthsOfInterval(batch.interval)),
        job: consent,
        countsFor,
      });
    }
    return counted;
  }

  private cell(position: CellPosition): Prio3Cell {
    const label = cellLabel(position);
    let cell = this.cells.get(label);
    if (cell === undefined) {
      const interval = this.plan.intervals.get(position.period) ?? this.plan.dates;
      cell = { ...position, reports: [], homes: new Map(), leftOut: 0, interval };
      this.cells.set(label, cell);
    }
    return cell;
  }

  private vector(area: string, dwellingType: DwellingType | null, period: string): Prio3VectorBatch {
    const label = cellLabel({ area, dwellingType, period, metric: VECTOR });
    let batch = this.vectors.get(label);
    if (batch === undefined) {
      const interval = this.plan.intervals.get(period) ?? this.plan.dates;
      const encoding = sumVectorEncodingFor(this.inVector, parsePeriod(period));
      batch = { area, dwellingType, period, encoding, reports: [], homes: new Map(), interval };
      this.vectors.set(label, batch);
    }
    return batch;
  }

  /** Every cell of the plan in table order (as CohortTable), empty ones too. */
  all(): Prio3Cell[] {
    const types: readonly (DwellingType | null)[] = this.plan.byDwellingType ? DWELLING_TYPES : [null];
    const result: Prio3Cell[] = [];
    for (const area of this.plan.areas)
      for (const dwellingType of types)
        for (const period of this.plan.periods)
          for (const metric of this.plan.metrics)
            result.push(this.cell({ area, dwellingType, period: period.label, metric: metric.id }));
    return result;
  }

  /** Every vector batch of the plan (one per area, dwelling type and period), empty ones too; none without a vector. */
  allVectors(): Prio3VectorBatch[] {
    if (this.inVector.length === 0) return [];
    const types: readonly (DwellingType | null)[] = this.plan.byDwellingType ? DWELLING_TYPES : [null];
    return this.plan.areas.flatMap((area) =>
      types.flatMap((dwellingType) =>
        this.plan.periods.map((period) => this.vector(area, dwellingType, period.label)),
      ),
    );
  }

  /** Whether a metric's cells are collected through the vector batches. */
  isInVector(metricId: string): boolean {
    return this.inVector.includes(metricId);
  }
}

/** How the cells of a prio3 run are collected. */
export interface Prio3Collection {
  leader: Prio3Leader;
  taskId: string;
  k: number;
  floor: number;
  /** ε each aggregator spends on each cell; null without DP. */
  epsilonPerCell: number | null;
  random: RandomSource;
  logger: Logger;
}

/** What the collection gives the release step: cohorts (keys and versions, no values) and their first release. */
export interface CollectedCells {
  cohorts: Cohort[];
  releases: Map<string, CellRelease>;
  rejected: Record<string, number>;
}

/** A cell as collected: its release, the homes it stands for, and its reports both aggregators refused. */
interface CollectedCell {
  release: CellRelease;
  homes: BatchHome[];
  refused: number;
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [reason, count] of Object.entries(from)) into[reason] = (into[reason] ?? 0) + count;
}

/** What the leader collects one batch with: the run's keys, helper, k, floor and ε, and the batch's reports and homes. */
function batchInput<E extends Prio3ReportEncoding>(
  collection: Prio3Collection,
  encoding: E,
  reports: readonly Prio3Report<E>[],
  homes: ReadonlyMap<string, BatchHome>,
): Prio3BatchInput<E> {
  const { leader, taskId, k, floor, epsilonPerCell, random } = collection;
  return {
    keys: leader.keys,
    taskId,
    encoding,
    reports,
    homes: new Map([...homes].map(([id, home]) => [id, home.job])),
    helper: leader.helper,
    k,
    floor,
    ...(epsilonPerCell === null ? {} : { epsilon: epsilonPerCell }),
    random,
  };
}

/**
 * Collects one vector batch and releases each of its metric cells (releaseCollectedVector). A metric's cohort is
 * the homes of the accepted reports whose public hd:countsFor names it; where the summed inclusion bits differ from
 * that count, some report lies about its cohort: the cell is withheld and counted as `inclusion-mismatch`.
 */
async function collectVector(
  batch: Prio3VectorBatch,
  collection: Prio3Collection,
  rejected: Record<string, number>,
): Promise<Map<string, CollectedCell>> {
  const { taskId, k, floor, logger } = collection;
  const { encoding } = batch;
  const outcome = await collectPrio3Batch(
    batchInput(collection, encoding, batch.reports, batch.homes),
    logger,
  );
  addCounts(rejected, outcome.rejected);
  const valid = new Set(outcome.validReportIds);
  const stated = new Map(
    encoding.metricIds.map((metricId) => [
      metricId,
      outcome.validReportIds.filter((id) => batch.homes.get(id)?.countsFor.includes(metricId)).length,
    ]),
  );
  const { cells: releases, mismatched } = releaseCollectedVector(encoding, outcome.shares, k, floor, stated);
  if (mismatched.length > 0) {
    rejected['inclusion-mismatch'] = (rejected['inclusion-mismatch'] ?? 0) + mismatched.length;
    logger.warn(
      { taskId, period: encoding.period, metrics: mismatched },
      'vector reports state other cohorts than their inclusion bits; cells withheld',
    );
  }
  const cells = new Map<string, CollectedCell>();
  for (const metricId of encoding.metricIds) {
    const counting = [...batch.homes].filter(([, home]) => home.countsFor.includes(metricId));
    cells.set(metricId, {
      release: outcome.overlapping ? suppressedCell('secondary') : releases.get(metricId)!,
      homes: counting.filter(([id]) => valid.has(id)).map(([, home]) => home),
      // Refusals exist only once the aggregators prepared: a batch below max(k, floor) reports refuses none.
      refused:
        Object.keys(outcome.rejected).length === 0 ? 0 : counting.filter(([id]) => !valid.has(id)).length,
    });
  }
  return cells;
}

/** Collects one metric's cell (collectPrio3Cell). */
async function collectMetric(
  cell: Prio3Cell,
  collection: Prio3Collection,
  rejected: Record<string, number>,
): Promise<CollectedCell> {
  const encoding = prio3EncodingFor(cell.metric, parsePeriod(cell.period));
  const outcome = await collectPrio3Cell(
    batchInput(collection, encoding, cell.reports, cell.homes),
    collection.logger,
  );
  addCounts(rejected, outcome.rejected);
  const homes = outcome.validReportIds.flatMap((id) => {
    const home = cell.homes.get(id);
    return home === undefined ? [] : [home];
  });
  const refused = Object.values(outcome.rejected).reduce((sum, count) => sum + count, 0);
  return { release: outcome.release, homes, refused };
}

/**
 * Collects every cell through leader and helper (collectPrio3Cell, or collectVector for the vector's metrics: below
 * max(k, floor) reports nothing is aggregated). The cohort of a cell is the homes whose reports both aggregators
 * accepted (for a vector, and whose hd:countsFor names the metric), so that secondary suppression judges the release
 * by the homes it really stands for. Cohorts carry no values: none exists here.
 */
export async function collectCells(
  table: Prio3CellTable,
  collection: Prio3Collection,
): Promise<CollectedCells> {
  const cohorts: Cohort[] = [];
  const releases = new Map<string, CellRelease>();
  const rejected: Record<string, number> = {};
  const fromVectors = new Map<string, CollectedCell>();
  for (const batch of table.allVectors()) {
    for (const [metric, cell] of await collectVector(batch, collection, rejected)) {
      fromVectors.set(cellLabel({ ...batch, metric }), cell);
    }
  }
  for (const cell of table.all()) {
    const position: CellPosition = {
      area: cell.area,
      dwellingType: cell.dwellingType,
      period: cell.period,
      metric: cell.metric,
    };
    const label = cellLabel(position);
    const collected = table.isInVector(cell.metric)
      ? fromVectors.get(label)!
      : await collectMetric(cell, collection, rejected);
    releases.set(label, collected.release);
    cohorts.push({
      ...position,
      values: [],
      homeKeys: collected.homes.map((home) => home.key),
      homeVersions: collected.homes.map((home) => home.versions),
      interval: cell.interval,
      // A report refused by the proof is a home left out too, as a plain run leaves out a home it cannot use.
      leftOut: { lowCoverage: cell.leftOut + collected.refused, sensorFault: 0 },
    });
  }
  return { cohorts, releases, rejected };
}
