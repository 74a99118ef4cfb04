// Changes the webhook tables: registering and removing a webhook, queueing events, claiming and settling deliveries, replay.
import { randomUUID } from 'node:crypto';
import { countActiveConsents } from '../consents/consent-reader.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { CouncilWebhookRow } from '../db/schema/council-webhooks.ts';
import type { RequestRow } from '../db/schema/requests.ts';
import type { WebhookDeliveryRow, WebhookEventType } from '../db/schema/webhook-deliveries.ts';
import { consentProgress } from '../requests/request-view.ts';
import { newWebhookSecret } from './webhook-signature.ts';

/** A new Standard Webhooks message id, `msg_` and 32 hex digits (as migration 012's trigger makes them). */
function newMessageId(): string {
  return `msg_${randomUUID().replaceAll('-', '')}`;
}

/**
 * Registers (or replaces) the council's webhook with a new signing secret, which is returned here and never again.
 * Replacing the URL sends pending deliveries to the new one.
 */
export async function registerWebhook(
  db: Queryable,
  councilId: string,
  url: string,
  now: Date,
): Promise<CouncilWebhookRow> {
  const rows = await db.query<CouncilWebhookRow>(
    'INSERT INTO council_webhooks (council_id, url, secret, created_at) VALUES ($1, $2, $3, $4) ' +
      'ON CONFLICT (council_id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, ' +
      'created_at = EXCLUDED.created_at RETURNING *',
    [councilId, url, newWebhookSecret(), now],
  );
  return rows[0]!;
}

/** Removes the council's webhook; its pending deliveries are given up (the log stays). False when there was none. */
export async function removeWebhook(db: Database, councilId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const removed = await tx.query(
      'DELETE FROM council_webhooks WHERE council_id = $1 RETURNING council_id',
      [councilId],
    );
    await tx.query(
      "UPDATE webhook_deliveries SET state = 'failed', last_error = 'webhook-removed' " +
        "WHERE council_id = $1 AND state = 'pending'",
      [councilId],
    );
    return removed.length > 0;
  });
}

/**
 * Queues an event for the council's webhook, if it has one, in the caller's transaction: the event is sent if and
 * only if the change it reports is committed (a transactional outbox).
 */
export async function queueWebhookEvent(
  tx: Queryable,
  councilId: string,
  type: WebhookEventType,
  data: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await tx.query(
    'INSERT INTO webhook_deliveries (id, council_id, event_type, data, occurred_at, queued_at, next_attempt_at) ' +
      'SELECT $1, council_id, $2, $3, $4, $4, $4 FROM council_webhooks WHERE council_id = $5',
    [newMessageId(), type, JSON.stringify(data), now, councilId],
  );
}

/**
 * Locks a request whose cohort has not yet reached k, for a transaction that will record a consent and then call
 * `queueCohortReached`; consents to a request past k are not serialised. Call it before anything else touches
 * the request's rows in that transaction.
 */
export async function lockRequestBeforeCohort(tx: Queryable, requestId: string): Promise<void> {
  await tx.query('SELECT 1 FROM requests WHERE id = $1 AND cohort_reached_at IS NULL FOR UPDATE', [
    requestId,
  ]);
}

/**
 * Queues `request.cohort-reached` the first time a request's active consents reach its k, in the transaction that
 * records a consent. The request row is locked before counting, so two consents committed at once cannot both
 * count k − 1 and both miss it, nor both send it. The event carries the count rounded to 5, as the council's own
 * view of the request does (`consentProgress`).
 */
export async function queueCohortReached(tx: Queryable, requestId: string, now: Date): Promise<void> {
  const [seen] = await tx.query<{ cohort_reached_at: Date | null }>(
    'SELECT cohort_reached_at FROM requests WHERE id = $1',
    [requestId],
  );
  if (!seen || seen.cohort_reached_at !== null) return;
  const [request] = await tx.query<
    Pick<RequestRow, 'council_id' | 'min_cohort'> & { cohort_reached_at: Date | null }
  >('SELECT council_id, min_cohort, cohort_reached_at FROM requests WHERE id = $1 FOR UPDATE', [requestId]);
  if (!request || request.cohort_reached_at !== null) return;
  const active = await countActiveConsents(tx, requestId, now);
  if (active < request.min_cohort) return;
  await tx.query('UPDATE requests SET cohort_reached_at = $2 WHERE id = $1', [requestId, now]);
  await queueWebhookEvent(
    tx,
    request.council_id,
    'request.cohort-reached',
    { requestId, consents: consentProgress(active, request.min_cohort) },
    now,
  );
}

/** A delivery taken for an attempt, with where it goes and the secret that signs it. */
export interface ClaimedDelivery extends WebhookDeliveryRow {
  url: string;
  secret: string;
}

/**
 * Takes up to `limit` due deliveries for one attempt each. Rows another broker process is claiming are skipped
 * (`FOR UPDATE SKIP LOCKED`), and each claimed row's next attempt moves `leaseMs` ahead before the transaction
 * ends, so no other process takes it while this one is sending (the lease outlasts the call's deadline); a process
 * that dies mid-call leaves it to be tried again when the lease runs out.
 */
export async function claimDueDeliveries(
  db: Database,
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<ClaimedDelivery[]> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<ClaimedDelivery>(
      'SELECT d.*, w.url, w.secret FROM webhook_deliveries d JOIN council_webhooks w ON w.council_id = d.council_id ' +
        "WHERE d.state = 'pending' AND d.next_attempt_at <= $1 ORDER BY d.next_attempt_at, d.id LIMIT $2 " +
        'FOR UPDATE OF d SKIP LOCKED',
      [now, limit],
    );
    if (rows.length === 0) return rows;
    await tx.query(
      'UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = $1, next_attempt_at = $2 ' +
        'WHERE id IN (SELECT jsonb_array_elements_text($3::jsonb))',
      [now, new Date(now.getTime() + leaseMs), JSON.stringify(rows.map((row) => row.id))],
    );
    return rows.map((row) => ({ ...row, attempts: row.attempts + 1 }));
  });
}

/** What one attempt came to. */
export interface AttemptOutcome {
  /** The receiver's status, if it answered. */
  status: number | null;
  /** Why it failed (a fixed reason), or null when delivered. */
  error: string | null;
  /** When to try again after a failure; null gives it up. */
  retryAt: Date | null;
}

/** Settles an attempt: delivered on success; else retried at `retryAt`, or failed when that is null. */
export async function recordAttempt(
  db: Queryable,
  id: string,
  outcome: AttemptOutcome,
  now: Date,
): Promise<void> {
  if (outcome.error === null) {
    await db.query(
      "UPDATE webhook_deliveries SET state = 'delivered', delivered_at = $2, last_status = $3, last_error = NULL " +
        "WHERE id = $1 AND state = 'pending'",
      [id, now, outcome.status],
    );
    return;
  }
  await db.query(
    "UPDATE webhook_deliveries SET state = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END, " +
      'next_attempt_at = coalesce($4::timestamptz, next_attempt_at), last_status = $2, last_error = $3 ' +
      "WHERE id = $1 AND state = 'pending'",
    [id, outcome.status, outcome.error, outcome.retryAt],
  );
}

/**
 * Queues one of the council's deliveries again, due now, with a fresh 24 h of retries and the same `webhook-id`
 * (receivers de-duplicate by it). Null when the council has no such delivery: another council's looks the same.
 */
export async function replayDelivery(
  db: Queryable,
  councilId: string,
  id: string,
  now: Date,
): Promise<WebhookDeliveryRow | null> {
  const rows = await db.query<WebhookDeliveryRow>(
    "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, queued_at = $3, next_attempt_at = $3, " +
      'delivered_at = NULL WHERE id = $1 AND council_id = $2 RETURNING *',
    [id, councilId, now],
  );
  return rows[0] ?? null;
}

/** Deletes delivered and given-up deliveries that happened before `cutoff`; pending ones stay. Returns how many. */
export async function pruneSettledDeliveries(db: Queryable, cutoff: Date): Promise<number> {
  const rows = await db.query(
    "DELETE FROM webhook_deliveries WHERE state <> 'pending' AND occurred_at < $1 RETURNING id",
    [cutoff],
  );
  return rows.length;
}
