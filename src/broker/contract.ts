// The broker's HTTP contract: every operation with the zod schemas of its parameters, bodies and answers. The server
// validates with these schemas, the OpenAPI document is generated from them (src/broker/http/openapi.ts), and the
// clients (consent/broker-client.ts, the council page) take their types from them. Pure zod, browser-safe: the
// broker's second face, beside ./index.ts (the Node server), for src/consent and src/web.
import { z } from 'zod';
import { createRequestSchema, type RequestPolicy } from './requests/request-schema.ts';

export {
  createRequestSchema,
  DEFAULT_MAX_PERIOD_MONTHS,
  type RequestPolicy,
  type NewRequest,
} from './requests/request-schema.ts';

/** An RFC 9457 problem document, as every error answers (src/http-problem.ts). */
export const problemSchema = z.object({
  type: z.url(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z
    .array(z.object({ field: z.string(), message: z.string() }))
    .optional()
    .describe('one entry per invalid field of a 422'),
});
export type Problem = z.infer<typeof problemSchema>;

/** A request id in a path: a UUID; anything else names no request (404). */
export const requestIdSchema = z.uuid();

/** A delivery id in a path (`msg_<32 hex>`); anything else names no delivery (404). */
export const deliveryIdSchema = z.string().regex(/^msg_[0-9a-f]{32}$/);

/** A run id in a path. */
export const runIdSchema = z.uuid();

// Requests (the body of `POST /api/requests` is createRequestSchema: it is bounded by the broker's policy)

/** A request as anyone may see it; it says nothing about residents. */
export const publicRequestSchema = z.object({
  id: z.uuid(),
  council: z.object({ id: z.uuid(), name: z.string() }),
  title: z.string(),
  purpose: z.url().describe('DPV purpose IRI'),
  description: z.string(),
  metrics: z.array(z.string()),
  areas: z.array(z.string()),
  period: z.object({ from: z.iso.date(), to: z.iso.date() }),
  granularity: z.enum(['month', 'week']),
  split: z
    .enum(['none', 'dwellingType'])
    .describe('`dwellingType`: cells per area, dwelling type and period; fixed for every run'),
  aggregation: z
    .enum(['plain', 'prio3'])
    .optional()
    .describe(
      'absent or `plain`: the broker reads daily summaries; `prio3`: homes write Prio3 reports for both aggregators named in GET /api/broker',
    ),
  minCohort: z.number().int(),
  consentUntil: z.iso.datetime(),
  dp: z.object({ epsilon: z.number() }).nullable(),
  createdAt: z.iso.datetime(),
  state: z
    .enum(['open', 'closed'])
    .describe('`open` while consent may be given, `closed` after consentUntil'),
});
export type PublicRequest = z.infer<typeof publicRequestSchema>;

/** Consent progress as a council sees it: "fewer than k", or a count rounded to 5 once it reaches k. */
export const consentProgressSchema = z.object({
  k: z.number().int(),
  atLeastK: z.boolean(),
  count: z
    .number()
    .int()
    .nullable()
    .describe('active consents rounded to the nearest 5, or null while fewer than k'),
});
export type ConsentProgress = z.infer<typeof consentProgressSchema>;

/** A council's view of its own request. */
export const councilRequestSchema = publicRequestSchema.extend({ consents: consentProgressSchema });
export type CouncilRequest = z.infer<typeof councilRequestSchema>;

/** `GET /api/requests`. */
export const requestListSchema = z.object({ requests: z.array(publicRequestSchema) });
export type RequestList = z.infer<typeof requestListSchema>;

/** `GET /api/council/requests`: the calling council and its own requests. */
export const councilRequestListSchema = z.object({
  council: z.object({ id: z.uuid(), name: z.string() }),
  requests: z.array(councilRequestSchema),
});
export type CouncilRequestList = z.infer<typeof councilRequestListSchema>;

// Consents

/**
 * Characters outside Turtle's IRIREF (space, controls, `<>"{}|^\``) and `\` (which URL parsers read as `/`). A pod
 * URL goes into the access records the broker writes as N-Triples inside an N3 Patch, whose writer does not escape
 * them (issue 11, L3): refused outright, not percent-encoded on the resident's behalf.
 */
function hasCharOutsideIriRef(url: string): boolean {
  for (const char of url) {
    const code = char.charCodeAt(0);
    if (code <= 0x20 || code === 0x7f || '<>"{}|^`\\'.includes(char)) return true;
  }
  return false;
}

/** Whether a normalised URL names a container with nothing after its path: no query, fragment or user name. */
function isPlainContainer(href: string): boolean {
  const url = new URL(href);
  return url.pathname.endsWith('/') && !/[?#]/.test(href) && url.username === '' && url.password === '';
}

/**
 * `POST /api/requests/{id}/consents`: where the resident's pod is; the record's place follows from the pod layout.
 * The pod is normalised (`new URL(pod).href`) so that one pod has one spelling in the index and in every URL the
 * broker builds from it.
 */
export const consentNoticeSchema = z
  .object({
    pod: z
      .string({ error: 'pod is the http(s) URL of your pod' })
      .max(2000)
      .refine(
        (url) => !hasCharOutsideIriRef(url),
        'pod may not contain spaces, control characters or <>"{}|^`\\',
      )
      .pipe(z.url({ protocol: /^https?$/, error: 'pod is the http(s) URL of your pod' }))
      .transform((url) => new URL(url).href)
      .refine(isPlainContainer, 'pod is a container URL ending in / (no query, fragment or user name)'),
  })
  .strict();

export const registeredConsentSchema = z.object({
  requestId: z.uuid(),
  state: z.literal('given'),
  expiresAt: z.iso.datetime(),
});

/** A resident's own consent as the broker indexed it. */
export const residentConsentSchema = z.object({
  requestId: z.uuid(),
  state: z.enum(['given', 'withdrawn', 'expired']),
  givenAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  withdrawnAt: z.iso.datetime().nullable(),
});
export type ConsentNotice = z.input<typeof consentNoticeSchema>;
export type RegisteredConsent = z.infer<typeof registeredConsentSchema>;
export type ResidentConsent = z.infer<typeof residentConsentSchema>;

/** `GET /api/residents/me/consents`. */
export const residentConsentListSchema = z.object({ consents: z.array(residentConsentSchema) });
export type ResidentConsentList = z.infer<typeof residentConsentListSchema>;

// The broker and its metrics

/** The two Prio3 aggregators, leader first: WebIDs and HPKE public keys (X25519, base64). */
export const prio3AggregatorsSchema = z.object({
  leader: z.object({ id: z.url(), publicKey: z.base64() }),
  helper: z.object({ id: z.url(), publicKey: z.base64() }),
});

export const brokerInfoSchema = z.object({
  webId: z.url().describe('The WebID residents grant acl:Read to'),
  kFloor: z.number().int().describe('No request may ask for a smaller minimum cohort'),
  purposes: z.array(z.url()).describe('DPV purposes a request may name'),
  limits: z
    .object({
      maxPeriodMonths: z.number().int().describe('Calendar months a request period may touch'),
      maxCells: z
        .number()
        .int()
        .describe('Cells (areas × periods × metrics × dwelling types) a request or run may plan'),
      maxActiveRunsPerCouncil: z
        .number()
        .int()
        .describe('Queued and running runs a council may have at once'),
    })
    .describe('The bounds a council must stay within (broker config `limits`)'),
  privateAggregation: prio3AggregatorsSchema
    .nullable()
    .describe(
      'The two Prio3 aggregators of `prio3` requests: their WebIDs (granted Read on the reports) and HPKE ' +
        'public keys (X25519, base64) the homes seal their shares to; null when the broker offers no prio3',
    ),
});

export const metricCatalogueSchema = z.object({
  metrics: z.array(
    z.object({
      id: z.string().describe('Stable API name, used in requests and results'),
      unit: z.string().describe('Unit of the per-home value'),
      description: z.string(),
      source: z.string().describe('Where the threshold or formula comes from'),
      summaries: z.array(z.string()).describe('Daily-summary containers a consent must grant'),
      rooms: z.enum(['indoor', 'bedrooms', 'all']),
      homeRule: z.enum(['worst-room', 'room-mean', 'room-sum']).describe('How room values make a home value'),
      additive: z.boolean().describe('Cells of additive metrics also pass the dominance check'),
    }),
  ),
});
export type BrokerInfo = z.infer<typeof brokerInfoSchema>;

/**
 * `GET /api/prio3/tasks`: an open prio3 request as its homes' gateways need it to write their reports (DAP's task
 * parameters). Public, like the request itself; it never says which homes consented.
 */
export const prio3TaskSchema = z.object({
  id: z.uuid().describe('The task id, which is the request id; sealed into every report'),
  metrics: z.array(z.string()),
  areas: z.array(z.string()),
  period: z.object({ from: z.iso.date(), to: z.iso.date() }),
  granularity: z.enum(['month', 'week']),
  aggregators: prio3AggregatorsSchema,
});
export const prio3TaskListSchema = z.object({ tasks: z.array(prio3TaskSchema) });
export type Prio3TaskView = z.infer<typeof prio3TaskSchema>;
export type Prio3TaskList = z.infer<typeof prio3TaskListSchema>;
export type MetricCatalogue = z.infer<typeof metricCatalogueSchema>;

// Runs and results

export const runViewSchema = z.object({
  id: z.uuid(),
  request: z.uuid(),
  state: z.enum(['queued', 'running', 'done', 'failed']),
  progress: z.number().min(0).max(100).describe('percent of homes read, in steps of 10; no home counts'),
  byDwellingType: z.boolean().describe("the request's split: cells per dwelling type too"),
  epsilon: z.number().nullable().describe('ε this run spends of the request budget, or null without DP'),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  problem: problemSchema
    .omit({ errors: true })
    .nullable()
    .describe(
      'why a failed run released nothing; a withheld cell is no failure (see the results `withheld`)',
    ),
});
export type RunView = z.infer<typeof runViewSchema>;

/**
 * Body of `POST /api/requests/{id}/runs` (optional). No split option: how cells are split is the request's
 * `split`, fixed when it was made (an unsplit and a split run of one request would give away a small group).
 */
export const newRunSchema = z
  .object({
    epsilon: z
      .number()
      .positive('epsilon must be above 0')
      .optional()
      .describe('ε this run spends of a DP request budget; default: what is left of it'),
  })
  .strict();
export type NewRun = z.input<typeof newRunSchema>;

/** `GET /api/requests/{id}/runs`, newest first. */
export const runListSchema = z.object({ runs: z.array(runViewSchema) });
export type RunList = z.infer<typeof runListSchema>;

export const resultCellSchema = z.object({
  area: z.string().describe('ONS GSS area code'),
  dwellingType: z.string().optional().describe('only in runs split by dwelling type'),
  period: z.string().describe('a month `2026-01` or an ISO week `2026-W03`'),
  metric: z.string().describe('catalogue metric id (GET /api/metrics)'),
  homes: z.number().int().nullable().describe('homes rounded to 5; null when suppressed'),
  mean: z.number().nullable(),
  median: z
    .number()
    .nullable()
    .describe(
      "always null for now: a median is one home's value, and is released neither without DP nor with it",
    ),
  bands: z
    .array(
      z.object({
        label: z.string().describe('the band, e.g. `800–1000 ppm` (catalogue `bands`)'),
        homes: z
          .number()
          .int()
          .nullable()
          .describe(
            'homes in the band rounded to 5; null when withheld (below k, or to protect another band)',
          ),
      }),
    )
    .optional()
    .describe(
      'only for a released cell of a banded metric (`co2.night.band`): homes per band, in band order; such a ' +
        'cell has no mean. A band below k is withheld, and more bands until the withheld hold k homes together',
    ),
  suppressed: z.boolean(),
  withheld: z
    .object({
      rule: z.enum(['differencing', 'complementary']),
      request: z.string().describe('the request of the earlier release'),
      run: z.string().describe('the run of the earlier release'),
    })
    .optional()
    .describe(
      'only for a cell withheld by secondary suppression: the rule and the earlier release (of any council) it ' +
        'would combine with to give a figure for fewer than k homes; never how many homes differ',
    ),
  leftOut: z
    .object({
      lowCoverage: z.number().int().nullable(),
      sensorFault: z.number().int().nullable(),
    })
    .describe(
      'homes left out of the cell for their data: under 75 % of hours measured, or a stuck sensor; rounded to 5 ' +
        'like homes, null for 1 … k−1 homes or under differential privacy',
    ),
});
export type ResultCell = z.infer<typeof resultCellSchema>;

/** `GET /api/requests/{id}/results` in JSON. */
export const resultsDocumentSchema = z.object({
  request: z.uuid(),
  run: z.uuid(),
  runAt: z.iso.datetime().describe('when the run finished'),
  k: z.number().int().describe('no released cell covers fewer homes'),
  epsilon: z.number().nullable().describe('ε the run spent, or null without differential privacy'),
  homes: z
    .number()
    .int()
    .nullable()
    .describe('homes counted overall, rounded to 5; null below k or under DP'),
  cells: z.array(resultCellSchema),
});
export type ResultsDocument = z.infer<typeof resultsDocumentSchema>;

/** Media types the results come in, JSON first (the default for `*\/*`). */
export const RESULTS_MEDIA_TYPES = [
  'application/json',
  'text/csv',
  'text/turtle',
  'application/ld+json',
] as const;

export const resultsQuerySchema = z
  .object({ run: z.uuid('run is the id of one of this request’s runs').optional() })
  .strict();

// Webhooks

/** `PUT /api/council/webhook`: where events go. The broker also refuses addresses on this machine or a private
 * network (src/broker/webhooks/webhook-url.ts), which only the server can check. */
export const webhookRegistrationBodySchema = z.object({ url: z.url().max(2000) }).strict();

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
export type RegisteredWebhook = z.infer<typeof registeredWebhookSchema>;

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

/** `GET /api/council/webhook/deliveries`. */
export const deliveryListSchema = z.object({ deliveries: z.array(deliverySchema) });
export type DeliveryList = z.infer<typeof deliveryListSchema>;

/** Most deliveries one page of the log shows. */
export const MAX_DELIVERIES_LISTED = 100;

/** `?limit=` of the delivery log. */
export const deliveriesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_DELIVERIES_LISTED).default(50),
});

// Operations

/** One answer of an operation: a JSON body, a problem document, or another media type. */
export interface ApiAnswer {
  description: string;
  /** The JSON body's schema; absent for a problem or an empty answer. */
  body?: z.ZodType;
  /** The answer is an RFC 9457 problem document. */
  problem?: true;
  /** Media types besides JSON, each a string body (e.g. results as CSV or Turtle). */
  alsoAs?: readonly string[];
}

/** One operation of the broker's HTTP API. */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path template, e.g. `/api/requests/{id}`. */
  path: string;
  summary: string;
  security?: 'council' | 'resident';
  /** Path parameters by name. */
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; required: boolean };
  answers: Record<number, ApiAnswer>;
}

/** The API's contract under one broker's policy: its operations and the schemas named in its document. */
export interface BrokerContract {
  operations: ApiOperation[];
  /** Named schemas of request bodies (shown as the input a client sends). */
  inputs: Record<string, z.ZodType>;
  /** Named schemas of answers (shown as the output a client gets). */
  outputs: Record<string, z.ZodType>;
}

const ok = (description: string, body?: z.ZodType): ApiAnswer => ({ description, body });
const problem = (description: string): ApiAnswer => ({ description, problem: true });
const NO_KEY = { 401: problem('No or unknown API key') };
const OWN_REQUEST = {
  ...NO_KEY,
  403: problem("Another council's request"),
  404: problem('No such request'),
};
const byRequest = { id: requestIdSchema };

/** The broker's contract with the purposes, k floor and period bound of `policy` in its new-request schema. */
export function brokerContract(policy: RequestPolicy): BrokerContract {
  const newRequest = createRequestSchema(policy);
  const operations: ApiOperation[] = [
    {
      method: 'get',
      path: '/health',
      summary: 'The broker and its database answer',
      answers: {
        200: ok('Healthy', z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) })),
        503: problem('Database down'),
      },
    },
    {
      method: 'get',
      path: '/api/openapi.json',
      summary: 'This document',
      answers: { 200: ok('OpenAPI 3.1', z.looseObject({ openapi: z.string() })) },
    },
    {
      method: 'get',
      path: '/api/broker',
      summary: "The broker's WebID and rules",
      answers: { 200: ok('Broker', brokerInfoSchema) },
    },
    {
      method: 'get',
      path: '/api/metrics',
      summary: 'The metrics catalogue: stable ids, units, definitions and sources',
      answers: { 200: ok('Metrics', metricCatalogueSchema) },
    },
    {
      method: 'get',
      path: '/api/prio3/tasks',
      summary:
        'Open prio3 requests as tasks for the homes’ gateways: metrics, period, areas, both aggregators’ public keys (public; never who consented)',
      answers: { 200: ok('Tasks (empty when the broker offers no prio3)', prio3TaskListSchema) },
    },
    {
      method: 'get',
      path: '/api/requests',
      summary:
        'Every request: who asked what, for what purpose, until when (public; nothing about residents)',
      answers: { 200: ok('Requests', requestListSchema) },
    },
    {
      method: 'post',
      path: '/api/requests',
      summary: 'File a data request (council)',
      security: 'council',
      body: { schema: newRequest, required: true },
      answers: {
        201: ok('Filed', publicRequestSchema),
        400: problem('Body is not JSON'),
        ...NO_KEY,
        413: problem('Body over the size limit'),
        415: problem('Body is not application/json'),
        422: problem(
          'A field is invalid (each listed in `errors`), or the request plans too many cells (too-many-cells)',
        ),
        429: problem('Rate limited'),
      },
    },
    {
      method: 'get',
      path: '/api/requests/{id}',
      summary: 'One request (public)',
      params: byRequest,
      answers: { 200: ok('Request', publicRequestSchema), 404: problem('No such request') },
    },
    {
      method: 'get',
      path: '/api/council/requests',
      summary: "The council's own requests, with consent progress counted only once it reaches k",
      security: 'council',
      answers: { 200: ok('Requests', councilRequestListSchema), ...NO_KEY },
    },
    {
      method: 'get',
      path: '/api/council/requests/{id}',
      summary: "One of the council's own requests with its consent progress",
      security: 'council',
      params: byRequest,
      answers: { 200: ok('Request', councilRequestSchema), ...OWN_REQUEST },
    },
    {
      method: 'post',
      path: '/api/requests/{id}/consents',
      summary:
        'Tell the broker you consented (resident). The broker reads your consent record and home profile ' +
        'from your pod and counts the consent only if the record gives this request.',
      security: 'resident',
      params: byRequest,
      body: { schema: consentNoticeSchema, required: true },
      answers: {
        201: ok('Counted', registeredConsentSchema),
        401: problem('No or invalid Solid-OIDC token'),
        404: problem('No such request'),
        409: problem('Request closed, record not readable, or the home already answered'),
        422: problem('The record does not give this request, or the home is outside its areas'),
        502: problem('Your pod server failed'),
      },
    },
    {
      method: 'delete',
      path: '/api/requests/{id}/consents/me',
      summary: 'Withdraw your consent (resident); takes effect at once, repeating is harmless',
      security: 'resident',
      params: byRequest,
      answers: { 204: ok('Withdrawn'), 401: problem('No or invalid token'), 404: problem('No such request') },
    },
    {
      method: 'get',
      path: '/api/residents/me/consents',
      summary: 'Your consents as the broker counts them (resident)',
      security: 'resident',
      answers: { 200: ok('Consents', residentConsentListSchema), 401: problem('No or invalid token') },
    },
    {
      method: 'post',
      path: '/api/requests/{id}/runs',
      summary:
        'Start an aggregation run over the consenting homes (council). Answers at once; follow the run at its ' +
        'Location. With DP, the run spends `epsilon` (default: what is left) of the request budget.',
      security: 'council',
      params: byRequest,
      body: { schema: newRunSchema, required: false },
      answers: {
        202: ok('Queued', runViewSchema),
        ...OWN_REQUEST,
        409: problem(
          'The DP budget of the request is spent (dp-budget-spent), or another run of it is queued or running ' +
            '(run-active)',
        ),
        415: problem('A body that is not application/json'),
        422: problem(
          'A field is invalid (each listed in `errors`), or the run plans more cells than limits.maxCells ' +
            '(too-many-cells)',
        ),
        429: problem('The council has limits.maxActiveRunsPerCouncil runs queued or running (run-quota)'),
      },
    },
    {
      method: 'get',
      path: '/api/requests/{id}/runs',
      summary: "The request's runs, newest first (council)",
      security: 'council',
      params: byRequest,
      answers: { 200: ok('Runs', runListSchema), ...OWN_REQUEST },
    },
    {
      method: 'get',
      path: '/api/requests/{id}/runs/{run}',
      summary:
        'State and progress of one run (percent of homes read, in steps of 10); a failed run names its problem',
      security: 'council',
      params: { ...byRequest, run: runIdSchema },
      answers: { 200: ok('Run', runViewSchema), ...OWN_REQUEST },
    },
    {
      method: 'get',
      path: '/api/requests/{id}/results',
      summary:
        'Released cells of the latest finished run (or of `run`): JSON, CSV, or an RDF Data Cube with PROV-O ' +
        'provenance in Turtle or JSON-LD. Suppressed cells have no count and no figures.',
      security: 'council',
      params: byRequest,
      query: resultsQuerySchema,
      answers: {
        200: {
          description: 'Results',
          body: resultsDocumentSchema,
          alsoAs: RESULTS_MEDIA_TYPES.filter((type) => type !== 'application/json'),
        },
        ...OWN_REQUEST,
        406: problem(`Accept names none of ${RESULTS_MEDIA_TYPES.join(', ')}`),
        409: problem('The run was refused by a rule (e.g. a spent DP budget), or is not finished'),
        422: problem('`run` is not a run id'),
      },
    },
    {
      method: 'put',
      path: '/api/council/webhook',
      summary:
        "Register or replace the council's webhook (one per council). Answers with a new signing secret, " +
        'shown only now; events are POSTed signed as Standard Webhooks says (see WebhookEvent).',
      security: 'council',
      body: { schema: webhookRegistrationBodySchema, required: true },
      answers: {
        200: ok('Registered', registeredWebhookSchema),
        ...NO_KEY,
        415: problem('Body is not application/json'),
        422: problem('The URL is not https, or points at this machine or a private network'),
      },
    },
    {
      method: 'get',
      path: '/api/council/webhook',
      summary: "The council's webhook (without its secret)",
      security: 'council',
      answers: { 200: ok('Webhook', webhookSchema), ...NO_KEY, 404: problem('No webhook registered') },
    },
    {
      method: 'delete',
      path: '/api/council/webhook',
      summary: 'Remove the webhook; pending deliveries are given up, the log stays. Repeating is harmless',
      security: 'council',
      answers: { 204: ok('Removed'), ...NO_KEY },
    },
    {
      method: 'get',
      path: '/api/council/webhook/deliveries',
      summary: "The council's last deliveries, newest first, with state, attempts and last status",
      security: 'council',
      query: deliveriesQuerySchema,
      answers: { 200: ok('Deliveries', deliveryListSchema), ...NO_KEY, 422: problem('Invalid limit') },
    },
    {
      method: 'post',
      path: '/api/council/webhook/deliveries/{delivery}/replay',
      summary: 'Send a delivery again (same webhook-id), due now, with a fresh 24 h of retries',
      security: 'council',
      params: { delivery: deliveryIdSchema },
      answers: {
        202: ok('Queued again', deliverySchema),
        ...NO_KEY,
        404: problem("No such delivery (or another council's)"),
      },
    },
    {
      method: 'post',
      path: '/api/pod-notifications/{token}',
      summary:
        'Solid Notifications (WebhookChannel2023) of a consent record the broker watches, from its pod server; ' +
        'only a hint: the broker reads the record again, and withdraws the consent if the pod answers 403/404/410',
      params: { token: z.string() },
      body: { schema: z.looseObject({}), required: false },
      answers: { 202: ok('Taken: the record is read again'), 404: problem('No such watch') },
    },
  ];
  return {
    operations,
    inputs: {
      NewRequest: newRequest,
      ConsentNotice: consentNoticeSchema,
      NewRun: newRunSchema,
      WebhookRegistration: webhookRegistrationBodySchema,
    },
    outputs: {
      Problem: problemSchema,
      PublicRequest: publicRequestSchema,
      CouncilRequest: councilRequestSchema,
      RequestList: requestListSchema,
      CouncilRequestList: councilRequestListSchema,
      RegisteredConsent: registeredConsentSchema,
      ResidentConsent: residentConsentSchema,
      ResidentConsentList: residentConsentListSchema,
      BrokerInfo: brokerInfoSchema,
      MetricCatalogue: metricCatalogueSchema,
      Prio3TaskList: prio3TaskListSchema,
      Run: runViewSchema,
      RunList: runListSchema,
      Results: resultsDocumentSchema,
      Webhook: webhookSchema,
      RegisteredWebhook: registeredWebhookSchema,
      WebhookDelivery: deliverySchema,
      DeliveryList: deliveryListSchema,
      WebhookEvent: webhookEventSchema,
    },
  };
}
