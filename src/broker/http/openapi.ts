// The OpenAPI 3.1 description of the broker's HTTP API, generated from its contract (src/broker/contract.ts): the
// same zod schemas the routes validate with.
import { z } from 'zod';
import { brokerContract, type ApiAnswer, type ApiOperation } from '../contract.ts';
import type { BrokerConfig } from '../config.ts';

/** Where named schemas live in the document. */
const COMPONENTS = '#/components/schemas/';

/** A JSON Schema without the `$schema`/`$id` keywords that OpenAPI's schema objects do not take. */
function bare(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/** Named schemas as JSON Schema (2020-12, OpenAPI 3.1's dialect), each naming the others by `$ref`. */
function componentSchemas(
  named: Record<string, z.ZodType>,
  registry: z.core.$ZodRegistry<{ id: string }>,
  io: 'input' | 'output',
): Record<string, Record<string, unknown>> {
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    unrepresentable: 'any',
    uri: (id) => `${COMPONENTS}${id}`,
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, bare(schema)]));
}

/** The document served at `/api/openapi.json`, with the configured purposes and k floor in its schemas. */
export function openApiDocument(config: BrokerConfig, publicUrl: string): Record<string, unknown> {
  const contract = brokerContract({
    purposes: config.purposes,
    kFloor: config.kFloor,
    now: () => new Date(),
    maxPeriodMonths: config.limits.maxPeriodMonths,
    privateAggregation: config.privateAggregation !== undefined,
  });
  const inputs = z.registry<{ id: string }>();
  const outputs = z.registry<{ id: string }>();
  const schemas = {
    ...componentSchemas(contract.outputs, outputs, 'output'),
    ...componentSchemas(contract.inputs, inputs, 'input'),
  };
  /** A schema by `$ref` when it is named, else inline. */
  const schemaOf = (schema: z.ZodType, io: 'input' | 'output') => {
    const id = (io === 'input' ? inputs : outputs).get(schema)?.id;
    return id ? { $ref: `${COMPONENTS}${id}` } : bare(z.toJSONSchema(schema, { io, unrepresentable: 'any' }));
  };
  const answer = (value: ApiAnswer) => {
    if (value.problem) {
      return {
        description: value.description,
        content: { 'application/problem+json': { schema: { $ref: `${COMPONENTS}Problem` } } },
      };
    }
    if (!value.body) return { description: value.description };
    const others = (value.alsoAs ?? []).map((type) => [type, { schema: { type: 'string' } }]);
    return {
      description: value.description,
      content: {
        'application/json': { schema: schemaOf(value.body, 'output') },
        ...Object.fromEntries(others),
      },
    };
  };
  const operation = (op: ApiOperation) => {
    const query = Object.entries(op.query?.shape ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: !(schema as z.ZodType).safeParse(undefined).success,
      schema: schemaOf(schema as z.ZodType, 'input'),
    }));
    const path = Object.entries(op.params ?? {}).map(([name, schema]) => ({
      name,
      in: 'path',
      required: true,
      schema: schemaOf(schema, 'input'),
    }));
    const parameters = [...path, ...query];
    return {
      summary: op.summary,
      ...(op.security ? { security: [{ [SECURITY[op.security]]: [] }] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.body
        ? {
            requestBody: {
              required: op.body.required,
              content: { 'application/json': { schema: schemaOf(op.body.schema, 'input') } },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(op.answers).map(([status, value]) => [status, answer(value)]),
      ),
    };
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of contract.operations) (paths[op.path] ??= {})[op.method] = operation(op);
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
      schemas,
    },
    paths,
  };
}

/** The security scheme of each kind of caller. */
const SECURITY = { council: 'councilKey', resident: 'solidOidc' } as const;
