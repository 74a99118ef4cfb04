// How webhooks are shown: the registration, the delivery log and the event body a receiver gets, as zod schemas.
import { z } from 'zod';
import type { CouncilWebhookRow } from '../db/schema/council-webhooks.ts';
import type { WebhookDeliveryRow } from '../db/schema/webhook-deliveries.ts';

const eventType = z.enum(['run.finished', 'run.failed', 'request.cohort-reached']);

/** A council's webhook as `GET /api/council/webhook` shows it: never the secret. */
export const webhookSchema = z.object({
  url: z.url(),
  createdAt: z.iso.datetime(),
});
export type WebhookView = z.infer<typeof webhookSchema>;

/** The answer to `PUT /api/council/webhook`: the only time the signing secret is shown. */
export const registeredWebhookSchema = webhookSchema.extend({
  secret: z
    .string()
    .describe('`whsec_<base64>`: verify `webhook-signature` with it (Standard Webhooks); shown only now'),
});

/** One delivery in the council's log. */
export const deliverySchema = z.object({
  id: z.string().describe('the `webhook-id` header, the same on every attempt and on a replay'),
  type: eventType,
  data: z.record(z.string(), z.unknown()),
  occurredAt: z.iso.datetime(),
  state: z
    .enum(['pending', 'delivered', 'failed'])
    .describe('`failed`: retries ran out after 24 h, or the webhook was removed'),
  attempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable().describe('when a pending delivery is tried next'),
  lastAttemptAt: z.iso.datetime().nullable(),
  lastStatus: z.number().int().nullable().describe("the receiver's HTTP status at the last attempt"),
  lastError: z
    .string()
    .nullable()
    .describe(
      'why the last attempt failed: `status`, `unreachable`, `timeout`, `redirect`, `private-address`, …',
    ),
  deliveredAt: z.iso.datetime().nullable(),
});
export type DeliveryView = z.infer<typeof deliverySchema>;

/** The JSON body POSTed to the receiver (Standard Webhooks' `type`, `timestamp`, `data`). */
export const webhookEventSchema = z.object({
  type: eventType,
  timestamp: z.iso.datetime().describe('when the event happened'),
  data: z
    .record(z.string(), z.unknown())
    .describe(
      'run.*: requestId, runId, state, problem; request.cohort-reached: requestId, consents {k, atLeastK, count ' +
        'rounded to 5}',
    ),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

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
