// "Who read my data": the broker's reads as the resident's own pod recorded them, newest first, month by month.
import { useEffect, useState } from 'preact/hooks';
import type { ConsentListing, ResidentSession } from '../../consent/index.ts';
import type { PodLayout } from '../../pod/browser.ts';
import { formatDateTime } from '../shared/dates.ts';
import { PROPERTY_NAMES } from '../shared/metric-words.ts';
import { Empty, Failure, Loading } from '../shared/status.tsx';
import { useAsync } from '../shared/use-async.ts';
import type { AccessEntry } from '../../pod/browser.ts';
import { listLogMonths, readLogMonths, resourceWords } from './access-log.ts';

/** Months read at first; older ones on request. */
const FIRST_MONTHS = 3;

interface AccessLogProps {
  session: ResidentSession;
  layout: PodLayout;
  /** To name the council and request behind each read. */
  listings: readonly ConsentListing[];
  /** Counts the pod's notifications of a change to the log: each one reads the log again, in place. */
  podChanges: number;
  onReload: () => void;
}

/** The log, with "show older" and "check again". */
export function AccessLogSection({ session, layout, listings, podChanges, onReload }: AccessLogProps) {
  const [shown, setShown] = useState(FIRST_MONTHS);
  const [log, reload] = useAsync(async () => {
    const months = await listLogMonths(session.fetch, layout);
    return { months, entries: await readLogMonths(session.fetch, months.slice(0, shown)) };
  }, [session, layout, shown]);
  useEffect(() => {
    if (podChanges > 0) reload();
  }, [podChanges]);

  return (
    <section id="access-log" aria-labelledby="access-log-title">
      <h2 id="access-log-title">Who read my data</h2>
      <p class="muted">
        Every time the broker reads your pod it writes a line into your own access log. Newest first.
      </p>
      {log.status === 'loading' && <Loading what="your access log" />}
      {log.status === 'failed' && <Failure error={log.error} retry={reload} />}
      {log.status === 'loaded' &&
        (log.value.entries.length === 0 ? (
          <Empty>Nobody has read your data.</Empty>
        ) : (
          <ol class="plain-list access-entries">
            {log.value.entries.map((entry) => (
              <AccessItem key={entry.iri} entry={entry} layout={layout} listings={listings} />
            ))}
          </ol>
        ))}
      <div class="actions">
        <button type="button" class="secondary" onClick={onReload}>
          Check again
        </button>
        {log.status === 'loaded' && log.value.months.length > shown && (
          <button type="button" class="secondary" onClick={() => setShown((months) => months + FIRST_MONTHS)}>
            Show older months
          </button>
        )}
      </div>
    </section>
  );
}

/** One read: when, for whom and what. */
function AccessItem({
  entry,
  layout,
  listings,
}: {
  entry: AccessEntry;
  layout: PodLayout;
  listings: readonly ConsentListing[];
}) {
  const request = listings.find((listing) => listing.requestId === entry.requestId)?.request ?? null;
  const propertyName = (property: string) =>
    PROPERTY_NAMES[property as keyof typeof PROPERTY_NAMES] ?? property;
  return (
    <li class="card access-entry" data-request-id={entry.requestId}>
      <p>
        <strong>{formatDateTime(entry.startedAt)}</strong>: the homedata broker read your data for{' '}
        {request ? (
          <>
            {request.council.name}’s request “{request.title}”
          </>
        ) : (
          <>request {entry.requestId}</>
        )}
        .
      </p>
      <p class="muted">What it read:</p>
      <ul>
        {entry.resources.map((resource) => (
          <li key={resource}>{resourceWords(layout, resource, propertyName)}</li>
        ))}
      </ul>
    </li>
  );
}
