// Reads `consent_watches`: the webhook subscription the broker holds on each indexed consent record.
import type { Queryable } from '../db/database.ts';
import type { ConsentRow } from '../db/schema/consents.ts';

/** A row of `consent_watches` (migration 013). */
export interface ConsentWatchRow {
  request_id: string;
  resident_webid: string;
  /** The last path segment of the broker's `sendTo` URL. */
  token: string;
  /** The channel's id at the pod server; null until a subscription succeeded. */
  channel: string | null;
  ends_at: Date | null;
  subscribed_at: Date | null;
}

/** A consent the broker should be watching, with its watch if it has one. */
export type WatchedConsent = Pick<ConsentRow, 'request_id' | 'resident_webid' | 'pod' | 'record_iri'> & {
  channel: string | null;
};

/** The watch a notification URL's token names, with its consent, or null. */
export async function findWatchByToken(
  db: Queryable,
  token: string,
): Promise<(ConsentWatchRow & Pick<ConsentRow, 'pod' | 'record_iri'>) | null> {
  const rows = await db.query<ConsentWatchRow & Pick<ConsentRow, 'pod' | 'record_iri'>>(
    'SELECT w.*, c.pod, c.record_iri FROM consent_watches w ' +
      'JOIN consents c USING (request_id, resident_webid) WHERE w.token = $1',
    [token],
  );
  return rows[0] ?? null;
}

/**
 * Active consents (given, unexpired at `now`) whose record needs a subscription: none yet, none that succeeded, or
 * one that ends before `renewBefore`. With `renewBefore` null, every active consent (a broker starting).
 */
export function listConsentsToWatch(
  db: Queryable,
  now: Date,
  renewBefore: Date | null,
): Promise<WatchedConsent[]> {
  return db.query<WatchedConsent>(
    'SELECT c.request_id, c.resident_webid, c.pod, c.record_iri, w.channel FROM consents c ' +
      'LEFT JOIN consent_watches w USING (request_id, resident_webid) ' +
      "WHERE c.state = 'given' AND c.expires_at > $1 AND ($2::timestamptz IS NULL OR w.token IS NULL " +
      'OR w.channel IS NULL OR w.ends_at < $2) ORDER BY c.request_id, c.resident_webid',
    [now, renewBefore],
  );
}
