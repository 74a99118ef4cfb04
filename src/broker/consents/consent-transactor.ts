// Changes the `consents` table: recording a verified consent and a withdrawal.
import { ConflictError } from '../../errors.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { ConsentRow } from '../db/schema/consents.ts';
import { lockRequestBeforeCohort, queueCohortReached } from '../webhooks/webhook-transactor.ts';

/** A consent the broker has just verified in the resident's pod. */
export type VerifiedConsentRow = Omit<ConsentRow, 'state' | 'withdrawn_at'>;

/**
 * Records (or renews) a resident's consent to a request as given. Renewing keeps the pod: a consent that names
 * another pod than the resident's existing consent is refused (409 `consent-pod-change`) unless that consent
 * was withdrawn first, so a WebID cannot silently move its answer from one home to another. In the same
 * transaction, the council's webhook is sent `request.cohort-reached` if this consent is the one that first brings
 * the request to k.
 */
export async function recordGivenConsent(db: Database, consent: VerifiedConsentRow): Promise<void> {
  await db.transaction(async (tx) => {
    // The request row is locked before the insert: the insert's foreign key takes a share lock on it, and two
    // consents that each held one and then asked for the update lock would deadlock (PostgreSQL, measured).
    await lockRequestBeforeCohort(tx, consent.request_id);
    await insertGivenConsent(tx, consent);
    await queueCohortReached(tx, consent.request_id, consent.given_at);
  });
}

/** The row of `recordGivenConsent`, in the caller's transaction. */
async function insertGivenConsent(db: Queryable, consent: VerifiedConsentRow): Promise<void> {
  let rows: unknown[];
  try {
    rows = await db.query(
      'INSERT INTO consents (request_id, resident_webid, pod, record_iri, area, dwelling_type, state, given_at, ' +
        "expires_at, withdrawn_at) VALUES ($1, $2, $3, $4, $5, $6, 'given', $7, $8, NULL) " +
        'ON CONFLICT (request_id, resident_webid) DO UPDATE SET pod = EXCLUDED.pod, record_iri = EXCLUDED.record_iri, ' +
        "area = EXCLUDED.area, dwelling_type = EXCLUDED.dwelling_type, state = 'given', given_at = EXCLUDED.given_at, " +
        'expires_at = EXCLUDED.expires_at, withdrawn_at = NULL ' +
        // Same pod: a renewal. Another pod: only after a withdrawal, i.e. as a new consent.
        "WHERE consents.pod = EXCLUDED.pod OR consents.state = 'withdrawn' RETURNING request_id",
      [
        consent.request_id,
        consent.resident_webid,
        consent.pod,
        consent.record_iri,
        consent.area,
        consent.dwelling_type,
        consent.given_at,
        consent.expires_at,
      ],
    );
  } catch (error) {
    // The (request, pod) uniqueness: another WebID already registered this home for this request.
    if ((error as { code?: string }).code === '23505') {
      throw new ConflictError(
        'home-already-counted',
        'This home already answered this request under another WebID',
        {
          requestId: consent.request_id,
        },
      );
    }
    throw error;
  }
  if (rows.length === 0) {
    throw new ConflictError(
      'consent-pod-change',
      'Your consent to this request names another pod: withdraw it first, then consent again for this one',
      { requestId: consent.request_id },
    );
  }
}

/** Marks a resident's consent withdrawn at `now`; returns whether there was a given consent to withdraw. */
export async function withdrawConsent(
  db: Queryable,
  requestId: string,
  webId: string,
  now: Date,
): Promise<boolean> {
  const rows = await db.query(
    "UPDATE consents SET state = 'withdrawn', withdrawn_at = $3 WHERE request_id = $1 AND resident_webid = $2 " +
      "AND state = 'given' RETURNING request_id",
    [requestId, webId, now],
  );
  return rows.length > 0;
}
