// The broker app's HTTP hygiene without a pod server or database: security headers, rate limit, unknown routes, OpenAPI.
import type { Server } from 'node:http';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createBrokerApp } from '../../src/broker/app.ts';
import { parseBrokerConfig } from '../../src/broker/config.ts';
import type { BrokerContext } from '../../src/broker/context.ts';
import type { Database } from '../../src/broker/db/database.ts';
import type { AuditedPodReader } from '../../src/broker/pod-access/audited-pod-reader.ts';
import { HomedataError } from '../../src/errors.ts';
import { createLogger } from '../../src/logging.ts';

/** A database that answers the health check and nothing else. */
const db = {
  kind: 'pglite',
  query: async () => [],
  exec: async () => undefined,
  transaction: () => Promise.reject(new Error('not in this test')),
  close: async () => undefined,
} as unknown as Database;

let server: Server | undefined;

/** What the library's verifier throws when an attacker's issuer does not answer: upstream details and URLs. */
const upstreamFailure = () =>
  Promise.reject(
    new Error('request to http://10.0.0.5:6379/.well-known/openid-configuration failed, ECONNREFUSED'),
  );

/** Serves the app on a free port with the given rate limit and resident token verifier. */
async function serve(max = 1000, verifyResident = upstreamFailure): Promise<string> {
  const config = parseBrokerConfig({
    issuer: 'http://localhost:1/',
    webId: 'http://localhost:1/broker/profile/card#me',
    clientId: 'id',
    clientSecret: 'secret',
    rateLimit: { windowMs: 60_000, max },
  });
  const ctx = {
    config,
    publicUrl: 'http://localhost/',
    db,
    clock: () => new Date(),
    logger: createLogger('broker-app-test', 'silent'),
    reader: { brokerWebId: config.webId } as AuditedPodReader,
    verifyResident,
  } as unknown as BrokerContext;
  server = createBrokerApp(ctx).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('the broker app', () => {
  it('sends security headers and answers /health', async () => {
    const url = await serve();
    const response = await fetch(`${url}health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBeTruthy();
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('limits the rate of API calls with a 429 problem', async () => {
    const url = await serve(3);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${url}api/broker`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await fetch(`${url}api/broker`);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await limited.json()).toMatchObject({
      status: 429,
      type: 'https://homedata.dev/problems/too-many-requests',
    });
  });

  it('tells councils the limits a request and its runs must stay within', async () => {
    const url = await serve();
    expect(await (await fetch(`${url}api/broker`)).json()).toMatchObject({
      limits: { maxPeriodMonths: 24, maxCells: 20_000, maxActiveRunsPerCouncil: 3 },
    });
  });

  it('lists the metrics catalogue with the four fixed ids, units and sources', async () => {
    const url = await serve();
    const { metrics } = (await (await fetch(`${url}api/metrics`)).json()) as {
      metrics: { id: string; unit: string; source: string; summaries: string[] }[];
    };
    const ids = metrics.map((metric) => metric.id);
    for (const id of ['damp.rh70.hours', 'damp.rh80.hours', 'temperature.mean', 'cold.below18.hours']) {
      expect(ids).toContain(id);
    }
    const rh70 = metrics.find((metric) => metric.id === 'damp.rh70.hours')!;
    expect(rh70.unit).toBe('h');
    expect(rh70.summaries).toEqual(['humidity']);
    expect(metrics.every((metric) => metric.source.length > 0)).toBe(true);
  });

  it('refuses a resident token with one fixed message, never what an upstream server answered', async () => {
    const url = await serve();
    const response = await fetch(`${url}api/residents/me/consents`, {
      headers: { authorization: 'DPoP a.b.c', dpop: 'd.e.f' },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^DPoP/);
    expect(((await response.json()) as { detail: string }).detail).toBe('Access token refused');
  });

  it('answers a failure of its own replay cache with a 500, not a refused token', async () => {
    const url = await serve(1000, () =>
      Promise.reject(new HomedataError('internal', 500, 'The DPoP replay cache could not be reached')),
    );
    const response = await fetch(`${url}api/residents/me/consents`, {
      headers: { authorization: 'DPoP a.b.c', dpop: 'd.e.f' },
    });
    expect(response.status).toBe(500);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const url = await serve();
    const response = await fetch(`${url}api/no/such/route`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 404, title: 'Not found' });
  });

  it('describes its API in OpenAPI 3.1 from the same schemas, with the configured purposes and floor', async () => {
    const url = await serve();
    const document = (await (await fetch(`${url}api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: {
        schemas: { NewRequest: { properties: Record<string, { enum?: string[]; minimum?: number }> } };
      };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths['/api/requests']!)).toEqual(['get', 'post']);
    expect(Object.keys(document.paths['/api/council/webhook']!)).toEqual(['put', 'get', 'delete']);
    expect(Object.keys(document.paths['/api/council/webhook/deliveries/{delivery}/replay']!)).toEqual([
      'post',
    ]);
    const properties = document.components.schemas.NewRequest.properties;
    expect(properties.purpose!.enum).toContain('https://w3id.org/dpv#PublicPolicyMaking');
    expect(properties.minCohort!.minimum).toBe(10);
  });
});
