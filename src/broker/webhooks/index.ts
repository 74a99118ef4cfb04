// Council webhooks: registration, events queued with the change they report, signed delivery with retries, delivery log.
// Part of the broker (may import what the broker may); the delivery table is the queue on PGlite and PostgreSQL alike.
export { createWebhookWorker, type WebhookWorker, type WebhookWorkerDeps } from './webhook-worker.ts';
export { webhookRoutes } from './webhook-routes.ts';
export { newWebhookSecret, signWebhook, webhookHeaders } from './webhook-signature.ts';
export { nextAttemptAt, RETRY_SCHEDULE_MS, RETRY_WINDOW_MS } from './webhook-backoff.ts';
