// How a request is shown: the public view (who asked what, why, until when) and a council's own view, built from rows
// into the shapes of the API contract (src/broker/contract.ts).
import type { ConsentProgress, PublicRequest } from '../contract.ts';
import { roundToNearest5 } from '../../privacy/index.ts';
import type { RequestWithCouncil } from './request-reader.ts';

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
