// The OpenAPI document and the express app describe the same API: every route is documented, every documented route exists.
import { describe, expect, it } from 'vitest';
import { brokerContract } from '../../../src/broker/contract.ts';
import { createBrokerApp } from '../../../src/broker/app.ts';
import { parseBrokerConfig } from '../../../src/broker/config.ts';
import type { BrokerContext } from '../../../src/broker/context.ts';
import { openApiDocument } from '../../../src/broker/http/openapi.ts';
import { createLogger } from '../../../src/logging.ts';

const config = parseBrokerConfig({
  issuer: 'http://localhost:1/',
  webId: 'http://localhost:1/broker/profile/card#me',
  clientId: 'id',
  clientSecret: 'secret',
});
const ctx = {
  config,
  publicUrl: 'http://localhost/',
  clock: () => new Date(),
  logger: createLogger('openapi-routes-test', 'silent'),
} as unknown as BrokerContext;

/** The parts of express's router stack this walk reads (express 5, `router` 2). */
interface Layer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every `METHOD /path` the app routes, with express's `:param` written as OpenAPI's `{param}`. */
function expressRoutes(stack: readonly Layer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = `${prefix}${layer.route.path}`.replace(/:(\w+)/g, '{$1}');
      return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${path}`);
    }
    if (!layer.handle.stack) return [];
    const mount = layer.rawPath === '/' || layer.rawPath === undefined ? '' : layer.rawPath;
    return expressRoutes(layer.handle.stack, `${prefix}${mount}`);
  });
}

/** Every `METHOD /path` of an OpenAPI document. */
function documentedRoutes(document: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

describe('the OpenAPI document', () => {
  const app = createBrokerApp(ctx) as unknown as { router: { stack: Layer[] } };
  const routes = expressRoutes(app.router.stack);
  const document = openApiDocument(config, ctx.publicUrl) as {
    paths: Record<string, Record<string, unknown>>;
  };

  it('documents every route the broker serves, and serves every route it documents', () => {
    expect(routes.length).toBeGreaterThan(15);
    expect([...routes].sort()).toEqual([...documentedRoutes(document)].sort());
  });

  it('has one operation per method and path in the contract', () => {
    const operations = brokerContract({
      purposes: [],
      kFloor: 10,
      now: () => new Date(),
      maxPeriodMonths: 12,
    }).operations.map((op) => `${op.method} ${op.path}`);
    expect(new Set(operations).size).toBe(operations.length);
  });

  it('names every schema it refers to', () => {
    const text = JSON.stringify(document);
    const components = (document as unknown as { components: { schemas: Record<string, unknown> } })
      .components.schemas;
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]!);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(components, ref).toHaveProperty(ref);
  });
});
