// How webhooks are shown: the registration, the delivery log and the event body a receiver gets, built from rows into the
// shapes of the API contract (src/broker/contract.ts).
import type { DeliveryView, WebhookEvent, WebhookView } from '../contract.ts';
import type { CouncilWebhookRow } from '../db/schema/council-webhooks.ts';
import type { WebhookDeliveryRow } from '../db/schema/webhook-deliveries.ts';

/** The view of a webhook row. */
export function webhookView(row: CouncilWebhookRow): WebhookView {
  return { url: row.url, createdAt: row.created_at.toISOString() };
}

/** The view of a delivery row. */
export function deliveryView(row: WebhookDeliveryRow): DeliveryView {
  return {
    id: row.id,
    type: row.event_type,
    data: row.data,
    occurredAt: row.occurred_at.toISOString(),
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.state === 'pending' ? row.next_attempt_at.toISOString() : null,
    lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
    lastStatus: row.last_status,
    lastError: row.last_error,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
  };
}

/** The body a receiver gets for a delivery: the same on every attempt. */
export function webhookEventBody(
  row: Pick<WebhookDeliveryRow, 'event_type' | 'occurred_at' | 'data'>,
): string {
  const event: WebhookEvent = {
    type: row.event_type,
    timestamp: row.occurred_at.toISOString(),
    data: row.data,
  };
  return JSON.stringify(event);
}
