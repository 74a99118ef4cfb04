// The broker's HTTP contract as its clients see it: the schema a council request must meet and the types on the wire.
// The broker's second face, beside ./index.ts (the Node server): browser-safe, for src/consent and src/web only.
export {
  createRequestSchema,
  DEFAULT_MAX_PERIOD_MONTHS,
  type RequestPolicy,
  type NewRequest,
} from './requests/request-schema.ts';
// Types only: the views' modules also map database rows and load the server's privacy code.
export type { PublicRequest, ConsentProgress, CouncilRequest } from './requests/request-view.ts';
export type { WebhookView, DeliveryView, WebhookEvent } from './webhooks/webhook-view.ts';
