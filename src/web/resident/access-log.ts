// Reads "who read my data": the broker's access records in the resident's own access log, newest first.
import { parseAccessLog, type AccessEntry } from '../../pod/browser.ts';
import type { PodLayout } from '../../pod/browser.ts';
import { readTurtle } from '../../pod/browser.ts';
import { listContainer } from './container-listing.ts';
import { mapLimited } from '../../bounded-concurrency.ts';

/** A month of the log (`YYYY-MM`) and where its records are: a container of one document per record, or the
 * one monthly document the broker patched before (docs/aggregation.md). */
export interface LogMonth {
  month: string;
  document: string;
}

/** The months the log has, newest first (a month with both forms is listed once per form). */
export async function listLogMonths(fetchFn: typeof fetch, layout: PodLayout): Promise<LogMonth[]> {
  const documents = await listContainer(fetchFn, layout.accessLog);
  return documents
    .map((document) => ({ document, month: /(\d{4}-\d{2})(\.ttl|\/)$/.exec(document)?.[1] ?? '' }))
    .filter((entry) => entry.month !== '')
    .sort((a, b) => b.month.localeCompare(a.month));
}

/** Documents read at once: a month holds one record per run that read this pod. */
const READ_CONCURRENCY = 6;

/** The records of some months, newest first. */
export async function readLogMonths(
  fetchFn: typeof fetch,
  months: readonly LogMonth[],
): Promise<AccessEntry[]> {
  const listings = await Promise.all(
    months.map((month) =>
      month.document.endsWith('/') ? listContainer(fetchFn, month.document) : [month.document],
    ),
  );
  const documents = await mapLimited(listings.flat(), READ_CONCURRENCY, (url) => readTurtle(fetchFn, url));
  return documents
    .flatMap((document) => (document ? parseAccessLog(document.store) : []))
    .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
}

/** What a resource is, in words: "daily summaries of humidity", "your home profile", or its path in the pod. */
export function resourceWords(
  layout: PodLayout,
  url: string,
  propertyName: (property: string) => string,
): string {
  if (url === layout.homeProfile) return 'your home profile (area and dwelling type)';
  if (url.startsWith(layout.summaries)) {
    const [property, month] = url.slice(layout.summaries.length).split('/');
    const what = `daily summaries of ${propertyName(property ?? '')}`;
    return month ? `${what}, ${month.replace(/\.ttl$/, '')}` : what;
  }
  if (url.startsWith(layout.consents)) return 'your consent record';
  return url.startsWith(layout.pod) ? url.slice(layout.pod.length) : url;
}
