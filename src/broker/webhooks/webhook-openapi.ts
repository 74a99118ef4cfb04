// The OpenAPI entries of the council webhook routes, for the broker's generator (src/broker/http/openapi.ts).
import type { OpenApiHelpers } from '../runs/run-openapi.ts';
import { MAX_DELIVERIES_LISTED } from './webhook-routes.ts';
import {
  deliverySchema,
  registeredWebhookSchema,
  webhookEventSchema,
  webhookSchema,
} from './webhook-view.ts';

/** Schemas and paths of `/api/council/webhook[/deliveries[/{delivery}/replay]]`. */
export function webhookOpenApi(helpers: OpenApiHelpers): {
  schemas: Record<string, object>;
  paths: Record<string, object>;
} {
  const { jsonSchema, ref, json, problem, ok } = helpers;
  const council = [{ councilKey: [] }];
  const noKey = { 401: problem('No or unknown API key') };
  return {
    schemas: {
      Webhook: jsonSchema(webhookSchema),
      RegisteredWebhook: jsonSchema(registeredWebhookSchema),
      WebhookDelivery: jsonSchema(deliverySchema),
      WebhookEvent: jsonSchema(webhookEventSchema),
    },
    paths: {
      '/api/council/webhook': {
        put: {
          summary:
            "Register or replace the council's webhook (one per council). Answers with a new signing secret, " +
            'shown only now; events are POSTed signed as Standard Webhooks says (see WebhookEvent).',
          security: council,
          requestBody: {
            required: true,
            content: json({
              type: 'object',
              required: ['url'],
              properties: { url: { type: 'string', format: 'uri' } },
              additionalProperties: false,
            }),
          },
          responses: {
            200: ok('Registered', ref('RegisteredWebhook')),
            ...noKey,
            415: problem('Body is not application/json'),
            422: problem('The URL is not https, or points at this machine or a private network'),
          },
        },
        get: {
          summary: "The council's webhook (without its secret)",
          security: council,
          responses: { 200: ok('Webhook', ref('Webhook')), ...noKey, 404: problem('No webhook registered') },
        },
        delete: {
          summary:
            'Remove the webhook; pending deliveries are given up, the log stays. Repeating is harmless',
          security: council,
          responses: { 204: { description: 'Removed' }, ...noKey },
        },
      },
      '/api/council/webhook/deliveries': {
        get: {
          summary: "The council's last deliveries, newest first, with state, attempts and last status",
          security: council,
          parameters: [
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: MAX_DELIVERIES_LISTED, default: 50 },
            },
          ],
          responses: {
            200: ok('Deliveries', {
              type: 'object',
              properties: { deliveries: { type: 'array', items: ref('WebhookDelivery') } },
            }),
            ...noKey,
            422: problem('Invalid limit'),
          },
        },
      },
      '/api/council/webhook/deliveries/{delivery}/replay': {
        post: {
          summary: 'Send a delivery again (same webhook-id), due now, with a fresh 24 h of retries',
          security: council,
          parameters: [{ name: 'delivery', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            202: ok('Queued again', ref('WebhookDelivery')),
            ...noKey,
            404: problem("No such delivery (or another council's)"),
          },
        },
      },
    },
  };
}
