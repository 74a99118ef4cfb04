// The OpenAPI entries of the run and results routes, for the broker's generator (src/broker/http/openapi.ts).
import type { z } from 'zod';
import { RESULTS_MEDIA_TYPES, resultsQuerySchema } from '../results/results-routes.ts';
import { resultsDocumentSchema } from '../results/results-document.ts';
import { newRunSchema, runViewSchema } from './run-view.ts';

/** The generator's helpers, passed in so that both describe things the same way. */
export interface OpenApiHelpers {
  jsonSchema(schema: z.ZodType, io?: 'input' | 'output'): Record<string, unknown>;
  ref(name: string): object;
  json(schema: object): object;
  problem(description: string): object;
  ok(description: string, schema: object): object;
  requestIdParameter: object;
}

/** Schemas and paths of `/api/requests/{id}/runs[/{run}]` and `/api/requests/{id}/results`. */
export function runOpenApi(helpers: OpenApiHelpers): {
  schemas: Record<string, object>;
  paths: Record<string, object>;
} {
  const { jsonSchema, ref, json, problem, ok, requestIdParameter } = helpers;
  const council = [{ councilKey: [] }];
  const runParameter = {
    name: 'run',
    in: 'path',
    required: true,
    schema: { type: 'string', format: 'uuid' },
  };
  const ownRequest = {
    401: problem('No or unknown API key'),
    403: problem("Another council's request"),
    404: problem('No such request'),
  };
  const rdf = { schema: { type: 'string' } };
  return {
    schemas: {
      NewRun: jsonSchema(newRunSchema, 'input'),
      Run: jsonSchema(runViewSchema),
      Results: jsonSchema(resultsDocumentSchema),
    },
    paths: {
      '/api/requests/{id}/runs': {
        post: {
          summary:
            'Start an aggregation run over the consenting homes (council). Answers at once; follow the run at its ' +
            'Location. With DP, the run spends `epsilon` (default: what is left) of the request budget.',
          security: council,
          parameters: [requestIdParameter],
          requestBody: { required: false, content: json(ref('NewRun')) },
          responses: {
            202: ok('Queued', ref('Run')),
            ...ownRequest,
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
        get: {
          summary: "The request's runs, newest first (council)",
          security: council,
          parameters: [requestIdParameter],
          responses: {
            200: ok('Runs', { type: 'object', properties: { runs: { type: 'array', items: ref('Run') } } }),
            ...ownRequest,
          },
        },
      },
      '/api/requests/{id}/runs/{run}': {
        get: {
          summary:
            'State and progress of one run (percent of homes read, in steps of 10); a failed run names its problem',
          security: council,
          parameters: [requestIdParameter, runParameter],
          responses: { 200: ok('Run', ref('Run')), ...ownRequest },
        },
      },
      '/api/requests/{id}/results': {
        get: {
          summary:
            'Released cells of the latest finished run (or of `run`): JSON, CSV, or an RDF Data Cube with PROV-O ' +
            'provenance in Turtle or JSON-LD. Suppressed cells have no count and no figures.',
          security: council,
          parameters: [
            requestIdParameter,
            { name: 'run', in: 'query', required: false, schema: jsonSchema(resultsQuerySchema.shape.run) },
          ],
          responses: {
            200: {
              description: 'Results',
              content: {
                ...json(ref('Results')),
                ...Object.fromEntries(
                  RESULTS_MEDIA_TYPES.filter((type) => type !== 'application/json').map((type) => [
                    type,
                    rdf,
                  ]),
                ),
              },
            },
            ...ownRequest,
            406: problem(`Accept names none of ${RESULTS_MEDIA_TYPES.join(', ')}`),
            409: problem('The run was refused by a rule (e.g. a spent DP budget), or is not finished'),
            422: problem('`run` is not a run id'),
          },
        },
      },
    },
  };
}
