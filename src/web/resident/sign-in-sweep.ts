// On sign-in the resident page sweeps expired consents before listing answers, as `homedata consent sweep` does: the
// broker's Read on what only expired consents needed is taken back and their records are marked expired.
import {
  listConsents,
  type ConsentContext,
  type ConsentListing,
  sweepConsents,
  type WithdrawOutcome,
} from '../../consent/index.ts';

/** The answers, and what the sweep did (or why it could not). */
export interface SweptListings {
  listings: ConsentListing[];
  swept: WithdrawOutcome | null;
  /** Why the sweep failed; the page still lists answers (the broker refuses expired consents meanwhile). */
  sweepError: unknown;
}

/**
 * Sweeps, then lists. A failed sweep does not hide the resident's answers: expiry is still enforced by the broker,
 * which refuses to read under an expired consent, and the next sign-in or `consent sweep` tries again.
 */
export async function sweepThenList(context: ConsentContext): Promise<SweptListings> {
  let swept: WithdrawOutcome | null = null;
  let sweepError: unknown = null;
  try {
    swept = await sweepConsents(context);
  } catch (error) {
    sweepError = error;
  }
  return { listings: await listConsents(context), swept, sweepError };
}

/** What to tell the resident about a sweep, or null when there is nothing to say. */
export function sweepNotice(result: SweptListings): string | null {
  if (result.sweepError) {
    return 'Could not tidy up expired consents just now; the broker already refuses to read under them.';
  }
  const expired = result.swept?.requestIds.length ?? 0;
  if (expired === 0) return null;
  return expired === 1
    ? 'One consent has expired: the broker can no longer read your data for it.'
    : `${expired} consents have expired: the broker can no longer read your data for them.`;
}
