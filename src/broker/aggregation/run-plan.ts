// What a run of a request reads and computes: its metrics, reporting periods, dates and the documents of each home.
import {
  getMetric,
  parsePeriod,
  periodDays,
  periodsCovering,
  type Granularity,
  type MetricDefinition,
  type Period,
  type Property,
} from '../../metrics/index.ts';
import { PodLayout } from '../../pod/index.ts';
import type { DateRange } from './summary-reader.ts';

/** The parts of a request a run is planned from. */
export interface PlanInput {
  metrics: readonly string[];
  areas: readonly string[];
  period: DateRange;
  granularity: Granularity;
  /** Whether cells are split by dwelling type too. */
  byDwellingType: boolean;
}

/** A planned run: what to compute for each home, and which cells there are. */
export interface RunPlan {
  metrics: readonly MetricDefinition[];
  areas: readonly string[];
  periods: readonly Period[];
  /** Summaries outside these dates are ignored, even where a period (an ISO week) reaches beyond them. */
  dates: DateRange;
  /** Summary containers read: every input property of every metric. */
  properties: readonly Property[];
  /** Monthly summary documents read per property, `YYYY-MM`. */
  months: readonly string[];
  byDwellingType: boolean;
  /** The days each period's figures cover (by period label): the period cut to the request's dates. */
  intervals: ReadonlyMap<string, DateRange>;
}

/** One summaries document of a home: where it is, and which property and month it holds. */
export interface SummaryDocumentRef {
  url: string;
  property: Property;
  month: string;
}

/** Plans a run of a request. */
export function planRun(input: PlanInput): RunPlan {
  const metrics = input.metrics.map(getMetric);
  const properties = [...new Set(metrics.flatMap((metric) => metric.inputs))].sort();
  const periods = periodsCovering(input.granularity, input.period.from, input.period.to).map(parsePeriod);
  const intervals = new Map<string, DateRange>();
  for (const period of periods) {
    const days = periodDays(period);
    const [first, last] = [days[0]!, days[days.length - 1]!];
    intervals.set(period.label, {
      from: first > input.period.from ? first : input.period.from,
      to: last < input.period.to ? last : input.period.to,
    });
  }
  return {
    metrics,
    areas: input.areas,
    periods,
    dates: input.period,
    properties,
    // Only the months of the request's own dates: a boundary week is computed from the days inside them.
    months: periodsCovering('month', input.period.from, input.period.to),
    byDwellingType: input.byDwellingType,
    intervals,
  };
}

/** The documents one home's run reads: its profile, and each summaries document with its property and month. */
export function homeDocuments(
  plan: RunPlan,
  pod: string,
): { profile: string; summaries: SummaryDocumentRef[] } {
  const layout = new PodLayout(pod);
  const summaries: SummaryDocumentRef[] = [];
  for (const property of plan.properties) {
    for (const month of plan.months) {
      summaries.push({ url: layout.summaryDocument(property, month), property, month });
    }
  }
  return { profile: layout.homeProfile, summaries };
}
