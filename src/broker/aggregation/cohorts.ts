// Groups per-home values into cells (area × period × metric, × dwelling type when asked), each with its cohort's keys.
import { createHash } from 'node:crypto';
import { monthsOfInterval, type HomeDataVersions } from '../../privacy/index.ts';
import { DWELLING_TYPES, type DwellingType } from '../../vocab/index.ts';
import { PROFILE_VERSION, versionKey } from './home-reader.ts';
import type { HomeValueEntry, LeftOutEntry } from './home-values.ts';
import type { RunPlan } from './run-plan.ts';
import type { DateRange } from './summary-reader.ts';

/** Where a cell sits in the results table. */
export interface CellPosition {
  area: string;
  /** Present only when the run splits by dwelling type. */
  dwellingType: DwellingType | null;
  period: string;
  metric: string;
}

/**
 * One cell before disclosure control: the values of the homes in it, their opaque keys and the versions of the
 * data each value came from, in the same order, and the days the cell covers.
 */
export interface Cohort extends CellPosition {
  values: number[];
  homeKeys: string[];
  homeVersions: HomeDataVersions[];
  interval: DateRange;
  /** Homes left out of the cell for their data (exact counts; released rounded like `homes`). Absent: none. */
  leftOut?: LeftOutCounts;
}

/** Homes left out of one cell, by reason. */
export interface LeftOutCounts {
  lowCoverage: number;
  sensorFault: number;
}

/**
 * A home as it enters the cohorts: its opaque key (never a WebID), its area and dwelling type, and the versions
 * of its summaries documents as read (`<property>/<YYYY-MM>` → version, see home-reader.ts).
 */
export interface CohortMember {
  key: string;
  area: string;
  dwellingType: DwellingType;
  versions: ReadonlyMap<string, string>;
}

/**
 * A home's data versions for one cell: per month of the cell, a short digest of the versions of the home profile
 * and of the metric's input documents that month. Not a value: the release history never holds anything a home's figure follows from.
 */
function cellVersions(
  member: CohortMember,
  inputs: readonly string[],
  interval: DateRange,
): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const month of monthsOfInterval(interval)) {
    const hash = createHash('sha256').update(
      `${PROFILE_VERSION}=${member.versions.get(PROFILE_VERSION) ?? '-'};`,
    );
    for (const input of inputs)
      hash.update(`${input}=${member.versions.get(versionKey(input, month)) ?? '-'};`);
    versions[month] = hash.digest('hex').slice(0, 16);
  }
  return versions;
}

/** A stable text label of a cell, e.g. `E05018412|*|2026-01|temperature.mean`. */
export function cellLabel(position: CellPosition): string {
  return `${position.area}|${position.dwellingType ?? '*'}|${position.period}|${position.metric}`;
}

/** Collects homes into the cells of one run; every cell of the plan exists, filled or empty. */
export class CohortTable {
  private readonly plan: RunPlan;
  private readonly cells = new Map<string, Cohort>();
  /** Keys of the homes added so far: one home is one member, however many consents name it. */
  private readonly members = new Set<string>();
  private readonly inputs: ReadonlyMap<string, readonly string[]>;
  private readonly leftOut = new Map<string, LeftOutCounts>();
  /** Keys of the homes counted as left out so far: once each, like members. */
  private readonly leftOutMembers = new Set<string>();

  constructor(plan: RunPlan) {
    this.plan = plan;
    this.inputs = new Map(plan.metrics.map((metric) => [metric.id, metric.inputs]));
  }

  /** The days a period's cell covers. */
  private interval(period: string): DateRange {
    return this.plan.intervals.get(period) ?? this.plan.dates;
  }

  /**
   * Adds a home's values; a home outside the plan's areas, or one whose key was already added, adds nothing.
   * Returns whether it was counted.
   */
  add(member: CohortMember, values: readonly HomeValueEntry[]): boolean {
    if (!this.plan.areas.includes(member.area) || values.length === 0) return false;
    if (this.members.has(member.key)) return false;
    this.members.add(member.key);
    const dwellingType = this.plan.byDwellingType ? member.dwellingType : null;
    for (const entry of values) {
      const position: CellPosition = {
        area: member.area,
        dwellingType,
        period: entry.period,
        metric: entry.metric,
      };
      const label = cellLabel(position);
      let cell = this.cells.get(label);
      if (cell === undefined) {
        cell = {
          ...position,
          values: [],
          homeKeys: [],
          homeVersions: [],
          interval: this.interval(entry.period),
        };
        this.cells.set(label, cell);
      }
      cell.values.push(entry.value);
      cell.homeKeys.push(member.key);
      cell.homeVersions.push(cellVersions(member, this.inputs.get(entry.metric) ?? [], cell.interval));
    }
    return true;
  }

  /**
   * Counts a home in the cells it was left out of; a home outside the plan's areas, or one whose key was already
   * counted here, adds nothing.
   */
  addLeftOut(member: CohortMember, entries: readonly LeftOutEntry[]): void {
    if (!this.plan.areas.includes(member.area) || entries.length === 0) return;
    if (this.leftOutMembers.has(member.key)) return;
    this.leftOutMembers.add(member.key);
    const dwellingType = this.plan.byDwellingType ? member.dwellingType : null;
    for (const entry of entries) {
      const label = cellLabel({
        area: member.area,
        dwellingType,
        period: entry.period,
        metric: entry.metric,
      });
      const counts = this.leftOut.get(label) ?? { lowCoverage: 0, sensorFault: 0 };
      if (entry.reason === 'sensor-fault') counts.sensorFault++;
      else counts.lowCoverage++;
      this.leftOut.set(label, counts);
    }
  }

  /**
   * Every cell in table order (area and metric as the request lists them, periods in time order, every dwelling
   * type): cells no home reached are there too, empty, so that which cells have homes at all is not disclosed.
   */
  cohorts(): Cohort[] {
    const types: readonly (DwellingType | null)[] = this.plan.byDwellingType ? DWELLING_TYPES : [null];
    const result: Cohort[] = [];
    for (const area of this.plan.areas) {
      for (const dwellingType of types) {
        for (const period of this.plan.periods) {
          for (const metric of this.plan.metrics) {
            const position: CellPosition = { area, dwellingType, period: period.label, metric: metric.id };
            const label = cellLabel(position);
            const cohort = this.cells.get(label) ?? {
              ...position,
              values: [],
              homeKeys: [],
              homeVersions: [],
              interval: this.interval(period.label),
            };
            const leftOut = this.leftOut.get(label);
            result.push(leftOut === undefined ? cohort : { ...cohort, leftOut: { ...leftOut } });
          }
        }
      }
    }
    return result;
  }

  /** Drops every value: called when the run ends, whatever its outcome. */
  clear(): void {
    this.cells.clear();
    this.members.clear();
    this.leftOut.clear();
    this.leftOutMembers.clear();
  }
}
