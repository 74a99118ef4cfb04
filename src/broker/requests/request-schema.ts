// What a council may ask for: the zod schema of a new data request, built from the broker's policy.
import { z } from 'zod';
import { countPeriodsCovering, getMetric, METRIC_IDS } from '../../metrics/index.ts';

/** The broker's rules a request is checked against. */
export interface RequestPolicy {
  /** DPV purpose IRIs a request may name. */
  purposes: readonly string[];
  /** The server floor for `minCohort`. */
  kFloor: number;
  /** The current time (requests must ask for consent until a future time, and for figures up to today). */
  now: () => Date;
  /** The longest period, in calendar months it touches (`limits.maxPeriodMonths`); default 24. */
  maxPeriodMonths?: number;
  /** Whether the broker is configured as a Prio3 leader with a helper (`privateAggregation`); default no. */
  privateAggregation?: boolean;
}

/** The longest period a request may cover unless the operator says otherwise: two heating seasons. */
export const DEFAULT_MAX_PERIOD_MONTHS = 24;

/** ONS GSS codes: a country letter and eight digits (e.g. ward E05000001). */
/** An ONS GSS code, e.g. a ward (`E05000001`). */
export const GSS_CODE = /^[EWSN][0-9]{8}$/;

/** The most areas one request may name; more is a sign of a mistake, not of a study. */
const MAX_AREAS = 200;

/** A date `YYYY-MM-DD` means "until the end of that day (UTC)": the next day's first instant. */
export function endOfDateOrInstant(value: string): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = new Date(`${value}T00:00:00Z`);
    return new Date(start.getTime() + 24 * 60 * 60 * 1000);
  }
  return new Date(value);
}

/** Adds an issue for each repeated value of an array field. */
function unique(values: readonly string[], ctx: z.RefinementCtx, what: string): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value))
      ctx.addIssue({ code: 'custom', path: [index], message: `${what} ${value} is listed twice` });
    seen.add(value);
  });
}

/** The schema's own rule for a calendar date `YYYY-MM-DD` (also the field check of `period.from` and `to`). */
const CALENDAR_DATE = z.iso.date();

/**
 * Adds an issue when a period reaches past today (the broker's clock, UTC: no figure covers days not yet
 * measured) or touches more calendar months than the policy allows; the message gives the numbers.
 */
function boundPeriod(
  period: { from: string; to: string },
  policy: RequestPolicy,
  ctx: z.RefinementCtx,
): void {
  // zod runs this refinement even when a date failed its own check; that field error says enough,
  // and counting the months of a non-date would throw instead of answering.
  if (!CALENDAR_DATE.safeParse(period.from).success || !CALENDAR_DATE.safeParse(period.to).success) return;
  const today = policy.now().toISOString().slice(0, 10);
  if (period.to > today) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `period.to must not be after today (${today})` });
  }
  const max = policy.maxPeriodMonths ?? DEFAULT_MAX_PERIOD_MONTHS;
  // Counted, not listed: a period of thousands of years is measured without building its months.
  const months = countPeriodsCovering('month', period.from, period.to);
  if (months > max) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `period spans ${months} calendar months; at most ${max} (limits.maxPeriodMonths)`,
    });
  }
}

/** The schema of `POST /api/requests` bodies under a policy: exactly the fields docs/api.md lists, each checked. */
export function createRequestSchema(policy: RequestPolicy) {
  const purposes = policy.purposes as [string, ...string[]];
  return z
    .object({
      title: z.string().trim().min(1, 'title must not be empty').max(200, 'title has at most 200 characters'),
      purpose: z.enum(purposes, {
        error: () => `purpose must be one of the allowed DPV purposes: ${purposes.join(', ')}`,
      }),
      description: z
        .string()
        .trim()
        .min(1, 'description must not be empty')
        .max(4000, 'description has at most 4000 characters'),
      metrics: z
        .array(
          z.enum(METRIC_IDS, {
            error: (issue) =>
              `unknown metric ${JSON.stringify(issue.input)}; see GET /api/metrics for the catalogue`,
          }),
        )
        .min(1, 'name at least one metric')
        .superRefine((values, ctx) => unique(values, ctx, 'metric')),
      areas: z
        .array(z.string().regex(GSS_CODE, 'an area is an ONS GSS code such as E05000001'))
        .min(1, 'name at least one area')
        .max(MAX_AREAS, `at most ${MAX_AREAS} areas`)
        .superRefine((values, ctx) => unique(values, ctx, 'area')),
      period: z
        .object({
          from: z.iso.date('period.from is a date YYYY-MM-DD'),
          to: z.iso.date('period.to is a date YYYY-MM-DD'),
        })
        .strict()
        .refine((period) => period.from <= period.to, {
          path: ['to'],
          message: 'period ends before it starts (to is before from)',
        })
        .superRefine((period, ctx) => boundPeriod(period, policy, ctx)),
      granularity: z.enum(['month', 'week'], { error: () => 'granularity is "month" or "week"' }),
      // Fixed here, not per run: an unsplit and a split run of the same cohort give away the suppressed group.
      split: z
        .enum(['none', 'dwellingType'], { error: () => 'split is "none" or "dwellingType"' })
        .default('none')
        .describe(
          'cells split by dwelling type as well as area and period; fixed for every run of the request',
        ),
      minCohort: z
        .number()
        .int('minCohort is a whole number')
        .min(policy.kFloor, `minCohort must be at least the server floor of ${policy.kFloor}`)
        .max(1_000_000)
        .default(policy.kFloor),
      consentUntil: z
        .union([z.iso.date(), z.iso.datetime({ offset: true })], {
          error: () => 'consentUntil is a date YYYY-MM-DD or a date-time with offset',
        })
        .refine((value) => endOfDateOrInstant(value) > policy.now(), 'consentUntil must be in the future'),
      aggregation: z
        .enum(['plain', 'prio3'], { error: () => 'aggregation is "plain" or "prio3"' })
        .default('plain')
        .describe(
          '`prio3`: homes send Prio3 reports sharded between the broker and an independent helper aggregator, so ' +
            "no server sees one home's value; means only (no medians), non-additive and non-banded metrics only",
        ),
      dp: z
        .object({
          epsilon: z
            .number()
            .positive('dp.epsilon must be above 0')
            .max(10, 'dp.epsilon above 10 gives no meaningful protection'),
        })
        .strict()
        .optional(),
    })
    .strict()
    .superRefine((request, ctx) => prio3Allowed(request, policy, ctx));
}

/**
 * A prio3 request needs a broker set up as leader, and non-additive metrics only: the dominance rule of additive
 * metrics needs the largest home value, which no aggregator sees (docs/private-aggregation.md). Banded metrics are
 * collected as Prio3 histograms and released per band, as in a plain run.
 */
function prio3Allowed(
  request: { aggregation: 'plain' | 'prio3'; metrics: readonly string[] },
  policy: RequestPolicy,
  ctx: z.RefinementCtx,
): void {
  if (request.aggregation !== 'prio3') return;
  if (policy.privateAggregation !== true) {
    ctx.addIssue({
      code: 'custom',
      path: ['aggregation'],
      message: 'this broker has no helper aggregator configured (privateAggregation); use "plain"',
    });
  }
  request.metrics.forEach((id, index) => {
    if (!METRIC_IDS.includes(id as never)) return;
    if (getMetric(id).additive) {
      ctx.addIssue({
        code: 'custom',
        path: ['metrics', index],
        message: `${id} is additive: its dominance check needs one home's value, which prio3 never reveals`,
      });
    }
  });
}

/** A validated new request, as the council sent it. */
export type NewRequest = z.output<ReturnType<typeof createRequestSchema>>;
