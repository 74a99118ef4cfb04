// The OpenAPI 3.1 description of the broker's HTTP API, generated from the same zod schemas the routes validate with.
import { z } from 'zod';
import type { BrokerConfig } from '../config.ts';
import { createRequestSchema } from '../requests/request-schema.ts';
import { councilRequestSchema, publicRequestSchema } from '../requests/request-view.ts';
import {
  consentNoticeSchema,
  registeredConsentSchema,
  residentConsentSchema,
} from '../routes/consent-routes.ts';
import { brokerInfoSchema, metricCatalogueSchema } from '../routes/info-routes.ts';
import { runOpenApi } from '../runs/run-openapi.ts';
import { webhookOpenApi } from '../webhooks/webhook-openapi.ts';

const problemSchema = z.object({
  type: z.url(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/** A JSON Schema for OpenAPI (3.1 uses JSON Schema 2020-12, zod's default target). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const ok = (description: string, schema: object) => ({ description, content: json(schema) });
const requestIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};

/** The document served at `/api/openapi.json`, with the configured purposes and k floor in its schemas. */
export function openApiDocument(config: BrokerConfig, publicUrl: string): Record<string, unknown> {
  const newRequest = createRequestSchema({
    purposes: config.purposes,
    kFloor: config.kFloor,
    now: () => new Date(),
    maxPeriodMonths: config.limits.maxPeriodMonths,
    privateAggregation: config.privateAggregation !== undefined,
  });
  const council = [{ councilKey: [] }];
  const resident = [{ solidOidc: [] }];
  const runs = runOpenApi({ jsonSchema, ref, json, problem, ok, requestIdParameter });
  const webhooks = webhookOpenApi({ jsonSchema, ref, json, problem, ok, requestIdParameter });
  return {
    openapi: '3.1.0',
    info: {
      title: 'homedata consent broker',
      version: '1',
      description:
        'Councils file data requests; residents answer from their own Solid pods; councils get aggregates over ' +
        'consenting homes only. Errors are RFC 9457 problem details.',
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: {
        councilKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'Council API key from `homedata council add`',
        },
        solidOidc: {
          type: 'http',
          scheme: 'DPoP',
          description: "The resident's Solid-OIDC DPoP-bound access token, with its DPoP proof header",
        },
      },
      schemas: {
        Problem: jsonSchema(problemSchema),
        NewRequest: jsonSchema(newRequest, 'input'),
        PublicRequest: jsonSchema(publicRequestSchema),
        CouncilRequest: jsonSchema(councilRequestSchema),
        ConsentNotice: jsonSchema(consentNoticeSchema, 'input'),
        RegisteredConsent: jsonSchema(registeredConsentSchema),
        ResidentConsent: jsonSchema(residentConsentSchema),
        BrokerInfo: jsonSchema(brokerInfoSchema),
        MetricCatalogue: jsonSchema(metricCatalogueSchema),
        ...runs.schemas,
        ...webhooks.schemas,
      },
    },
    paths: {
      '/health': {
        get: {
          summary: 'The broker and its database answer',
          responses: { 200: ok('Healthy', { type: 'object' }), 503: problem('Database down') },
        },
      },
      '/api/openapi.json': {
        get: { summary: 'This document', responses: { 200: ok('OpenAPI 3.1', { type: 'object' }) } },
      },
      '/api/broker': {
        get: { summary: "The broker's WebID and rules", responses: { 200: ok('Broker', ref('BrokerInfo')) } },
      },
      '/api/metrics': {
        get: {
          summary: 'The metrics catalogue: stable ids, units, definitions and sources',
          responses: { 200: ok('Metrics', ref('MetricCatalogue')) },
        },
      },
      '/api/requests': {
        get: {
          summary:
            'Every request: who asked what, for what purpose, until when (public; nothing about residents)',
          responses: {
            200: ok('Requests', {
              type: 'object',
              properties: { requests: { type: 'array', items: ref('PublicRequest') } },
            }),
          },
        },
        post: {
          summary: 'File a data request (council)',
          security: council,
          requestBody: { required: true, content: json(ref('NewRequest')) },
          responses: {
            201: ok('Filed', ref('PublicRequest')),
            400: problem('Body is not JSON'),
            401: problem('No or unknown API key'),
            413: problem('Body over the size limit'),
            415: problem('Body is not application/json'),
            422: problem(
              'A field is invalid (each listed in `errors`), or the request plans too many cells (too-many-cells)',
            ),
            429: problem('Rate limited'),
          },
        },
      },
      '/api/requests/{id}': {
        get: {
          summary: 'One request (public)',
          parameters: [requestIdParameter],
          responses: { 200: ok('Request', ref('PublicRequest')), 404: problem('No such request') },
        },
      },
      '/api/council/requests': {
        get: {
          summary: "The council's own requests, with consent progress counted only once it reaches k",
          security: council,
          responses: {
            200: ok('Requests', {
              type: 'object',
              properties: { requests: { type: 'array', items: ref('CouncilRequest') } },
            }),
            401: problem('No or unknown API key'),
          },
        },
      },
      '/api/council/requests/{id}': {
        get: {
          summary: "One of the council's own requests with its consent progress",
          security: council,
          parameters: [requestIdParameter],
          responses: {
            200: ok('Request', ref('CouncilRequest')),
            401: problem('No or unknown API key'),
            403: problem("Another council's request"),
            404: problem('No such request'),
          },
        },
      },
      '/api/requests/{id}/consents': {
        post: {
          summary:
            'Tell the broker you consented (resident). The broker reads your consent record and home profile ' +
            'from your pod and counts the consent only if the record gives this request.',
          security: resident,
          parameters: [requestIdParameter],
          requestBody: { required: true, content: json(ref('ConsentNotice')) },
          responses: {
            201: ok('Counted', ref('RegisteredConsent')),
            401: problem('No or invalid Solid-OIDC token'),
            404: problem('No such request'),
            409: problem('Request closed, record not readable, or the home already answered'),
            422: problem('The record does not give this request, or the home is outside its areas'),
            502: problem('Your pod server failed'),
          },
        },
      },
      '/api/requests/{id}/consents/me': {
        delete: {
          summary: 'Withdraw your consent (resident); takes effect at once, repeating is harmless',
          security: resident,
          parameters: [requestIdParameter],
          responses: {
            204: { description: 'Withdrawn' },
            401: problem('No or invalid token'),
            404: problem('No such request'),
          },
        },
      },
      '/api/residents/me/consents': {
        get: {
          summary: 'Your consents as the broker counts them (resident)',
          security: resident,
          responses: {
            200: ok('Consents', {
              type: 'object',
              properties: { consents: { type: 'array', items: ref('ResidentConsent') } },
            }),
            401: problem('No or invalid token'),
          },
        },
      },
      ...runs.paths,
      ...webhooks.paths,
    },
  };
}
