// How a request is shown: the public view (who asked what, why, until when) and a council's own view, as zod schemas.
import { z } from 'zod';
import { roundToNearest5 } from '../../privacy/index.ts';
import type { RequestWithCouncil } from './request-reader.ts';

/** A request as anyone may see it; it says nothing about residents. */
export const publicRequestSchema = z.object({
  id: z.uuid(),
  council: z.object({ id: z.uuid(), name: z.string() }),
  title: z.string(),
  purpose: z.url().describe('DPV purpose IRI'),
  description: z.string(),
  metrics: z.array(z.string()),
  areas: z.array(z.string()),
  period: z.object({ from: z.iso.date(), to: z.iso.date() }),
  granularity: z.enum(['month', 'week']),
  split: z
    .enum(['none', 'dwellingType'])
    .describe('`dwellingType`: cells per area, dwelling type and period; fixed for every run'),
  aggregation: z
    .enum(['plain', 'prio3'])
    .describe('`prio3`: homes write Prio3 reports for both aggregators named in GET /api/broker'),
  minCohort: z.number().int(),
  consentUntil: z.iso.datetime(),
  dp: z.object({ epsilon: z.number() }).nullable(),
  createdAt: z.iso.datetime(),
  state: z
    .enum(['open', 'closed'])
    .describe('`open` while consent may be given, `closed` after consentUntil'),
});
export type PublicRequest = z.infer<typeof publicRequestSchema>;

/** Consent progress as a council sees it: "fewer than k", or a count rounded to 5 once it reaches k. */
export const consentProgressSchema = z.object({
  k: z.number().int(),
  atLeastK: z.boolean(),
  count: z
    .number()
    .int()
    .nullable()
    .describe('active consents rounded to the nearest 5, or null while fewer than k'),
});
export type ConsentProgress = z.infer<typeof consentProgressSchema>;

/** A council's view of its own request. */
export const councilRequestSchema = publicRequestSchema.extend({ consents: consentProgressSchema });
export type CouncilRequest = z.infer<typeof councilRequestSchema>;

/** Whether consent may still be given at `now`. */
export function isOpen(row: Pick<RequestWithCouncil, 'consent_until'>, now: Date): boolean {
  return now < row.consent_until;
}

/** The public view of a request row. */
export function publicRequest(row: RequestWithCouncil, now: Date): PublicRequest {
  return {
    id: row.id,
    council: { id: row.council_id, name: row.council_name },
    title: row.title,
    purpose: row.purpose,
    description: row.description,
    metrics: row.metrics,
    areas: row.areas,
    period: { from: row.period_from, to: row.period_to },
    granularity: row.granularity,
    split: row.split,
    aggregation: row.aggregation,
    minCohort: row.min_cohort,
    consentUntil: row.consent_until.toISOString(),
    dp: row.dp_epsilon === null ? null : { epsilon: row.dp_epsilon },
    createdAt: row.created_at.toISOString(),
    state: isOpen(row, now) ? 'open' : 'closed',
  };
}

/**
 * Consent progress that never tells a council a count below k (a handful of homes is too easy to pick out) nor an
 * exact count above it: an exact count turns released means into exact sums, and polling it shows each single
 * resident joining or leaving. Rounded to 5 like released cells (ONS 10-5 rule); k is at least 10, so the
 * rounded count is too.
 */
export function consentProgress(activeConsents: number, k: number): ConsentProgress {
  const atLeastK = activeConsents >= k;
  return { k, atLeastK, count: atLeastK ? roundToNearest5(activeConsents) : null };
}
