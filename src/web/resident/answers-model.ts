// Sorts the resident's requests and answers into the page's lists: inbox, active consents and history.
import type { ConsentListing } from '../../consent/index.ts';

/** The page's lists. */
export interface Answers {
  /** Open requests for the resident's area (or offered to the home's inbox) not yet answered, newest first. */
  inbox: ConsentListing[];
  /** Open requests not yet answered that do not cover the resident's area (counted, not shown). */
  elsewhere: number;
  /** Consents in force. */
  active: ConsentListing[];
  /** Refused, withdrawn and expired answers, newest answer first. */
  history: ConsentListing[];
}

/** When an answer was given, for ordering; unanswered requests by when they were filed. */
function answeredAt(listing: ConsentListing): number {
  if (listing.record) return listing.record.answeredAt.getTime();
  const filed = Date.parse(listing.request?.createdAt ?? '');
  return Number.isNaN(filed) ? 0 : filed;
}

/**
 * Splits listings (from the consent module) into the page's lists. A request the broker offered to the home's
 * inbox (`offered`, by request id) counts as the home's even when the home document names another area.
 */
export function sortAnswers(
  listings: readonly ConsentListing[],
  homeArea: string | null,
  offered: ReadonlySet<string> = new Set(),
): Answers {
  const newestFirst = (a: ConsentListing, b: ConsentListing) => answeredAt(b) - answeredAt(a);
  const open = listings.filter(
    (listing) => listing.standing === 'unanswered' && listing.request?.state === 'open',
  );
  const forHome = (listing: ConsentListing) =>
    offered.has(listing.requestId) || (homeArea !== null && listing.request!.areas.includes(homeArea));
  return {
    inbox: open.filter(forHome).sort(newestFirst),
    elsewhere: open.filter((listing) => !forHome(listing)).length,
    active: listings.filter((listing) => listing.standing === 'given').sort(newestFirst),
    history: listings
      .filter((listing) => ['refused', 'withdrawn', 'expired'].includes(listing.standing))
      .sort(newestFirst),
  };
}
