// Table `webhook_deliveries`: one event for one council's webhook, the delivery queue and its log in one.

/** The events a council's webhook receives. */
export type WebhookEventType = 'run.finished' | 'run.failed' | 'request.cohort-reached';

/** `pending` until the receiver answers 2xx (`delivered`) or retries run out after 24 h (`failed`). */
export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** A row of `webhook_deliveries` (migration 012). */
export interface WebhookDeliveryRow {
  /** The Standard Webhooks message id (`webhook-id`), the same on every attempt and replay. */
  id: string;
  council_id: string;
  event_type: WebhookEventType;
  /** The event's `data`: ids and states only, never per-home data or an exact count. */
  data: Record<string, unknown>;
  occurred_at: Date;
  /** When the current series of attempts began (the event, or the last replay). */
  queued_at: Date;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  /** The receiver's HTTP status of the last attempt, if it answered. */
  last_status: number | null;
  /** Why the last attempt failed (a fixed reason, never the receiver's body). */
  last_error: string | null;
  delivered_at: Date | null;
}
