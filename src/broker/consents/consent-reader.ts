// Reads the `consents` table: active consents of a request (for runs and progress) and a resident's own consents.
import type { Queryable } from '../db/database.ts';
import type { ConsentRow } from '../db/schema/consents.ts';

/**
 * Active means given, not withdrawn, not yet expired at `now`, and from the pod of a home that is still enrolled
 * (by the WebID the register names for it, if any): a consent of a removed home counts as absent.
 */
const ACTIVE =
  "c.state = 'given' AND c.expires_at > $2 AND " +
  '(h.resident_webid IS NULL OR h.resident_webid = c.resident_webid)';

/** Consents joined to the enrolled home of their pod: a consent whose pod is not enrolled has no row here. */
const COUNTED = 'consents c JOIN enrolled_homes h ON h.pod = c.pod';

/** An active consent with the enrolled home it counts for. */
export interface ActiveConsentRow extends ConsentRow {
  /** The operator's id of the home (keyed with an HMAC before it enters cohorts; never stored with results). */
  home_id: string;
}

/** How many enrolled homes actively consent to a request at `now` (one consent per home: `UNIQUE (request_id, pod)`). */
export async function countActiveConsents(db: Queryable, requestId: string, now: Date): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${COUNTED} WHERE c.request_id = $1 AND ${ACTIVE}`,
    [requestId, now],
  );
  return rows[0]?.n ?? 0;
}

/** The active consents of a request at `now`, in a stable order: what a run may read. */
export function listActiveConsents(db: Queryable, requestId: string, now: Date): Promise<ActiveConsentRow[]> {
  return db.query<ActiveConsentRow>(
    `SELECT c.*, h.home_id FROM ${COUNTED} WHERE c.request_id = $1 AND ${ACTIVE} ORDER BY c.resident_webid`,
    [requestId, now],
  );
}

/** One resident's consent to a request if it is active at `now`, else null. */
export async function findActiveConsent(
  db: Queryable,
  requestId: string,
  webId: string,
  now: Date,
): Promise<ActiveConsentRow | null> {
  const rows = await db.query<ActiveConsentRow>(
    `SELECT c.*, h.home_id FROM ${COUNTED} WHERE c.request_id = $1 AND ${ACTIVE} AND c.resident_webid = $3`,
    [requestId, now, webId],
  );
  return rows[0] ?? null;
}

/** Every consent the broker holds for one resident, newest first. */
export function listResidentConsents(db: Queryable, webId: string): Promise<ConsentRow[]> {
  return db.query<ConsentRow>('SELECT * FROM consents WHERE resident_webid = $1 ORDER BY given_at DESC', [
    webId,
  ]);
}
