// Reads the `consents` table: active consents of a request (for runs and progress) and a resident's own consents.
import type { Queryable } from '../db/database.ts';
import type { ConsentRow } from '../db/schema/consents.ts';

/** Active means given, not withdrawn, and not yet expired at `now`: an expired consent counts as absent. */
const ACTIVE = "state = 'given' AND expires_at > $2";

/** How many residents actively consent to a request at `now`. */
export async function countActiveConsents(db: Queryable, requestId: string, now: Date): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM consents WHERE request_id = $1 AND ${ACTIVE}`,
    [requestId, now],
  );
  return rows[0]?.n ?? 0;
}

/** The active consents of a request at `now`, in a stable order: what a run may read. */
export function listActiveConsents(db: Queryable, requestId: string, now: Date): Promise<ConsentRow[]> {
  return db.query<ConsentRow>(
    `SELECT * FROM consents WHERE request_id = $1 AND ${ACTIVE} ORDER BY resident_webid`,
    [requestId, now],
  );
}

/** One resident's consent to a request if it is active at `now`, else null. */
export async function findActiveConsent(
  db: Queryable,
  requestId: string,
  webId: string,
  now: Date,
): Promise<ConsentRow | null> {
  const rows = await db.query<ConsentRow>(
    `SELECT * FROM consents WHERE request_id = $1 AND ${ACTIVE} AND resident_webid = $3`,
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
