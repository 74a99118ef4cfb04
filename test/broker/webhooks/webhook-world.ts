// An in-memory broker serving the council API with two councils, a request and a movable clock, for webhook tests.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { createBrokerApp } from '../../../src/broker/app.ts';
import { parseBrokerConfig } from '../../../src/broker/config.ts';
import type { BrokerContext } from '../../../src/broker/context.ts';
import { addCouncil, type NewCouncil } from '../../../src/broker/councils/council-transactor.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import type { AuditedPodReader } from '../../../src/broker/pod-access/audited-pod-reader.ts';
import { createRequest } from '../../../src/broker/requests/request-transactor.ts';
import { createLogger } from '../../../src/logging.ts';
import { AREA } from '../runs/synthetic-broker.ts';
import { openMemoryDatabase } from '../../helpers/memory-database.ts';

export const logger = createLogger('webhook-test', 'silent');

/** The broker, its councils and its clock. */
export interface WebhookWorld {
  db: Database;
  councilA: NewCouncil;
  councilB: NewCouncil;
  /** The broker's clock: starts at the real now (receivers check timestamps against theirs). */
  clock(): Date;
  /** Moves the clock on. */
  advance(ms: number): void;
  /** Calls the broker's API as a council. */
  call(council: NewCouncil, method: string, path: string, body?: unknown): Promise<Response>;
  /** Files a one-month request of a council over AREA with k = 10. */
  newRequest(councilId: string): Promise<string>;
  close(): Promise<void>;
}

/** Opens the world; the API allows http webhooks on loopback, as the tests' receivers are local. */
export async function openWebhookWorld(): Promise<WebhookWorld> {
  const db = await openMemoryDatabase();
  const councilA = await addCouncil(db, 'Northbridge Borough Council');
  const councilB = await addCouncil(db, 'Southmoor District Council');
  let now = new Date();
  const clock = () => now;
  const config = parseBrokerConfig({
    issuer: 'http://localhost:1/',
    webId: 'http://localhost:1/broker/profile/card#me',
    clientId: 'id',
    clientSecret: 'secret',
    webhooks: { allowHttpLoopback: true },
  });
  const ctx = {
    config,
    publicUrl: 'http://localhost/',
    db,
    clock,
    logger,
    reader: { brokerWebId: config.webId } as AuditedPodReader,
  } as unknown as BrokerContext;
  const api = createBrokerApp(ctx).listen(0, '127.0.0.1');
  await once(api, 'listening');
  const address = api.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  return {
    db,
    councilA,
    councilB,
    clock,
    advance: (ms) => (now = new Date(now.getTime() + ms)),
    call: (council, method, path, body) =>
      fetch(`${base}api/${path}`, {
        method,
        headers: {
          authorization: `Bearer ${council.apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    newRequest: (councilId) =>
      createRequest(
        db,
        councilId,
        {
          title: 'Webhooks',
          purpose: 'https://w3id.org/dpv#ImprovePublicServices',
          description: 'Test',
          metrics: ['temperature.mean'] as never,
          areas: [AREA],
          period: { from: '2026-01-01', to: '2026-01-31' },
          granularity: 'month',
          split: 'none',
          minCohort: 10,
          consentUntil: '2036-12-31',
        },
        now,
      ),
    async close() {
      api.closeAllConnections();
      await new Promise((resolve) => api.close(resolve));
      await db.close();
    },
  };
}

/** One POST a receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP receiver. */
export interface Receiver {
  received: Received[];
  close(): Promise<void>;
}

/** A local HTTP server on `port` answering every request with `answer` (default 204); records what it got. */
export async function startReceiver(
  port: number,
  answer: (res: ServerResponse) => void = (res) => res.writeHead(204).end(),
): Promise<Receiver> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      answer(res);
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    received,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The Standard Webhooks headers of a received POST, as verifiers take them. */
export const signedHeaders = (headers: IncomingHttpHeaders) => ({
  'webhook-id': String(headers['webhook-id']),
  'webhook-timestamp': String(headers['webhook-timestamp']),
  'webhook-signature': String(headers['webhook-signature']),
});
