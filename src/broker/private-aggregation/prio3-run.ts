// A prio3 run as the leader: reads each consenting home's profile and reports, then collects each cell with the helper.
import { createHash } from 'node:crypto';
import { Store } from 'n3';
import { ForbiddenError, PodError } from '../../errors.ts';
import type { Logger } from '../../logging.ts';
import { parsePeriod } from '../../metrics/index.ts';
import { PodLayout } from '../../pod/index.ts';
import { monthsOfInterval, type CellRelease, type RandomSource } from '../../privacy/index.ts';
import {
  prio3EncodingFor,
  readReport,
  reportIdHex,
  type Prio3Report,
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
import { collectPrio3Cell } from './leader-collection.ts';
import type { Prio3Leader } from './leader-config.ts';

/** What a report document gave: a report sealed to this task's aggregators, or why it gave none. */
type ReportSlot = Prio3Report | 'missing' | 'malformed';

/** One home as a prio3 run reads it: where it counts, a version of each document, and its reports by cell. */
export interface Prio3Home {
  profile: HomePlacement;
  /** Per document URL, its ETag or status: two releases over the same reports name the same versions. */
  versions: Map<string, string>;
  /** By `<metric>|<period>`. Sealed shares only: the leader can open its own, which is random without the other. */
  reports: Map<string, { url: string; slot: ReportSlot }>;
}

type Prio3Document = { profile: HomePlacement | null } | { report: ReportSlot };

/** The key of a home's report for one metric and period. */
function slotKey(metric: string, period: string): string {
  return `${metric}|${period}`;
}

/**
 * Reads a home's profile and its reports for the request (the task) in one audited batch: each read has its
 * access record in the resident's pod before it is used, as in a plain run. A report that is not exactly one valid
 * report for this task, sealed to this leader and helper, is `malformed`; none at all is `missing`.
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
  const wanted = plan.metrics.flatMap((metric) =>
    plan.periods.map((period) => ({
      key: slotKey(metric.id, period.label),
      url: layout.reportDocument(taskId, metric.id, period.label),
    })),
  );
  const [leaderId, helperId] = leader.aggregators.map((aggregator) => aggregator.id);
  const parse: BodyParser<Prio3Document> = async (response, url, caps) => {
    if (url === layout.homeProfile) {
      return { profile: response.body === null ? null : await readHomePlacement(response.body, url, caps) };
    }
    if (response.body === null) return { report: 'missing' };
    const store = new Store();
    await parseTurtleStream(response.body, url, (quad) => store.addQuad(quad), caps);
    try {
      const stored = readReport(store, url);
      const sealedToUs = stored.aggregatorIds[0] === leaderId && stored.aggregatorIds[1] === helperId;
      return { report: sealedToUs && stored.report.taskId === taskId ? stored.report : 'malformed' };
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

/** One cell of a prio3 run before collection: its reports and, per report id, the home it came from. */
interface Prio3Cell extends CellPosition {
  reports: Prio3Report[];
  /** By report id: the home's opaque key, its data versions, and what the helper is told of it (pod, consent). */
  homes: Map<string, { key: string; versions: Record<string, string>; job: JobHome }>;
  /** Homes of the cell with no report, or one that is not valid for the task (left out, like low coverage). */
  leftOut: number;
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

/** Groups the homes of a prio3 run into the plan's cells; a home counts once, in its own area and dwelling type. */
export class Prio3CellTable {
  private readonly plan: RunPlan;
  private readonly cells = new Map<string, Prio3Cell>();
  private readonly members = new Set<string>();

  constructor(plan: RunPlan) {
    this.plan = plan;
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
    const dwellingType = this.plan.byDwellingType ? home.profile.dwellingType : null;
    let counted = false;
    for (const metric of this.plan.metrics) {
      for (const period of this.plan.periods) {
        const position = { area: home.profile.area, dwellingType, period: period.label, metric: metric.id };
        const cell = this.cell(position);
        const found = home.reports.get(slotKey(metric.id, period.label));
        if (found === undefined || typeof found.slot === 'string') {
          cell.leftOut++;
          continue;
        }
        counted = true;
        cell.reports.push(found.slot);
        const months = monthsOfInterval(cell.interval);
        cell.homes.set(reportIdHex(found.slot), {
          key,
          versions: reportVersions(home, profileUrl, found.url, months),
          job: consent,
        });
      }
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

/**
 * Collects every cell through leader and helper (collectPrio3Cell: below max(k, floor) reports nothing is
 * aggregated). The cohort of a cell is the homes whose reports both aggregators accepted, so that secondary
 * suppression judges the release by the homes it really stands for. Cohorts carry no values: none exists here.
 */
export async function collectCells(
  table: Prio3CellTable,
  collection: Prio3Collection,
): Promise<CollectedCells> {
  const { leader, taskId, k, floor, epsilonPerCell, random, logger } = collection;
  const cohorts: Cohort[] = [];
  const releases = new Map<string, CellRelease>();
  const rejected: Record<string, number> = {};
  for (const cell of table.all()) {
    const outcome = await collectPrio3Cell(
      {
        keys: leader.keys,
        taskId,
        encoding: prio3EncodingFor(cell.metric, parsePeriod(cell.period)),
        reports: cell.reports,
        homes: new Map([...cell.homes].map(([id, home]) => [id, home.job])),
        helper: leader.helper,
        k,
        floor,
        ...(epsilonPerCell === null ? {} : { epsilon: epsilonPerCell }),
        random,
      },
      logger,
    );
    let refused = 0;
    for (const [reason, count] of Object.entries(outcome.rejected)) {
      rejected[reason] = (rejected[reason] ?? 0) + (count ?? 0);
      refused += count ?? 0;
    }
    const homes = outcome.validReportIds.flatMap((id) => {
      const home = cell.homes.get(id);
      return home === undefined ? [] : [home];
    });
    const position: CellPosition = {
      area: cell.area,
      dwellingType: cell.dwellingType,
      period: cell.period,
      metric: cell.metric,
    };
    releases.set(cellLabel(position), outcome.release);
    cohorts.push({
      ...position,
      values: [],
      homeKeys: homes.map((home) => home.key),
      homeVersions: homes.map((home) => home.versions),
      interval: cell.interval,
      // A report refused by the proof is a home left out too, as a plain run leaves out a home it cannot use.
      leftOut: { lowCoverage: cell.leftOut + refused, sensorFault: 0 },
    });
  }
  return { cohorts, releases, rejected };
}
