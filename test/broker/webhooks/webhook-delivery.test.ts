// Council webhooks end to end on an in-memory broker with a real HTTP receiver: down, back, replay, scoping, SSRF.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrokerApp } from '../../../src/broker/app.ts';
import { parseBrokerConfig } from '../../../src/broker/config.ts';
import { recordGivenConsent } from '../../../src/broker/consents/consent-transactor.ts';
import type { BrokerContext } from '../../../src/broker/context.ts';
import { addCouncil, type NewCouncil } from '../../../src/broker/councils/council-transactor.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import { openBrokerDatabase } from '../../../src/broker/db/open-database.ts';
import type { AuditedPodReader } from '../../../src/broker/pod-access/audited-pod-reader.ts';
import { createRequest } from '../../../src/broker/requests/request-transactor.ts';
import { RunExecutor } from '../../../src/broker/runs/run-executor.ts';
import { createRun, failRun } from '../../../src/broker/runs/run-transactor.ts';
import { createWebhookWorker, type WebhookWorker } from '../../../src/broker/webhooks/webhook-worker.ts';
import { createLogger } from '../../../src/logging.ts';
import { findFreePort } from '../../../src/pod/free-port.ts';
import { seededRandomSource } from '../../../src/privacy/index.ts';
import { attack } from '../../attacks/attack.ts';
import { enrolTestHomes } from '../../helpers/enrol-homes.ts';
import { AREA, podOf, syntheticHomes, syntheticReader, webIdOf } from '../runs/synthetic-broker.ts';

const HOMES = 12;
const logger = createLogger('webhook-test', 'silent');

/** One POST a receiver got. */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP server answering every request with `answer`; records what it got. */
async function startReceiver(
  port: number,
  answer: (res: import('node:http').ServerResponse) => void = (res) => res.writeHead(204).end(),
): Promise<{ server: Server; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
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
    server,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Headers of a received POST as the verifier takes them. */
const signed = (headers: IncomingHttpHeaders) => ({
  'webhook-id': String(headers['webhook-id']),
  'webhook-timestamp': String(headers['webhook-timestamp']),
  'webhook-signature': String(headers['webhook-signature']),
});

describe('council webhooks', () => {
  let db: Database;
  let api: Server;
  let base: string;
  let councilA: NewCouncil;
  let councilB: NewCouncil;
  let requestId: string;
  let executor: RunExecutor;
  let worker: WebhookWorker;
  /** The broker's clock: starts at the real now (receivers check timestamps against theirs) and is moved by hand. */
  let now = new Date();
  const clock = () => now;
  const advance = (ms: number) => (now = new Date(now.getTime() + ms));

  /** Calls the broker's API as a council. */
  const call = (council: NewCouncil, method: string, path: string, body?: unknown) =>
    fetch(`${base}api/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${council.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const newWorker = () =>
    createWebhookWorker({
      db,
      clock,
      logger,
      policy: { allowHttpLoopback: true },
      pollMs: 1000,
      random: seededRandomSource(3),
    });

  beforeAll(async () => {
    db = await openBrokerDatabase({ kind: 'memory' });
    councilA = await addCouncil(db, 'Northbridge Borough Council');
    councilB = await addCouncil(db, 'Southmoor District Council');
    await enrolTestHomes(
      db,
      Array.from({ length: HOMES }, (_, index) => ({ pod: podOf(index) })),
    );
    requestId = await createRequest(
      db,
      councilA.id,
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
    );
    executor = new RunExecutor({
      db,
      reader: syntheticReader(new Map(syntheticHomes(0, HOMES, 'Flat').map((home) => [home.index, home]))),
      clock,
      logger,
      random: seededRandomSource(5),
      kFloor: 10,
    });
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
    api = createBrokerApp(ctx).listen(0, '127.0.0.1');
    await once(api, 'listening');
    const address = api.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    worker = newWorker();
  }, 60_000);

  afterAll(async () => {
    api?.closeAllConnections();
    await new Promise((resolve) => api?.close(resolve));
    await db?.close();
  });

  it('delivers every event once, signed, to a receiver that was down for a minute', async () => {
    const port = await findFreePort();
    const registered = await call(councilA, 'PUT', 'council/webhook', {
      url: `http://127.0.0.1:${port}/hook`,
    });
    expect(registered.status).toBe(200);
    const { secret } = (await registered.json()) as { secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect(await (await call(councilA, 'GET', 'council/webhook')).json()).not.toHaveProperty('secret');

    // While the receiver is down: the cohort reaches k, two runs finish and one fails.
    for (let index = 0; index < HOMES; index++) {
      await recordGivenConsent(db, {
        request_id: requestId,
        resident_webid: webIdOf(index),
        pod: podOf(index),
        record_iri: `${podOf(index)}homedata/consents/${requestId}.ttl#consent`,
        area: AREA,
        dwelling_type: 'Flat',
        given_at: now,
        expires_at: new Date('2036-12-31T00:00:00Z'),
      });
    }
    for (let run = 0; run < 2; run++) {
      const runId = await createRun(db, { requestId, epsilon: null }, now);
      await executor.execute(runId);
    }
    const failed = await createRun(db, { requestId, epsilon: null }, now);
    await failRun(db, failed, 'test', 'Stopped by the test', now);
    await failRun(db, failed, 'test', 'Failed again: no second event', now);

    const downSince = now.getTime();
    expect(await worker.poll()).toBe(4);
    while (now.getTime() - downSince < 60_000) {
      advance(5_000);
      await worker.poll();
    }
    const log = (await (await call(councilA, 'GET', 'council/webhook/deliveries')).json()) as {
      deliveries: { id: string; state: string; attempts: number; lastError: string | null; type: string }[];
    };
    expect(log.deliveries).toHaveLength(4);
    for (const delivery of log.deliveries) {
      expect(delivery).toMatchObject({ state: 'pending', lastError: 'unreachable' });
      expect(delivery.attempts).toBeGreaterThanOrEqual(3);
    }

    const receiver = await startReceiver(port);
    try {
      while (now.getTime() - downSince < 5 * 60_000) {
        advance(5_000);
        await worker.poll();
      }
      const ids = receiver.received.map((post) => String(post.headers['webhook-id']));
      expect(new Set(ids).size).toBe(4);
      expect(ids).toHaveLength(4);
      const events = receiver.received.map((post) => ({
        ...(new Webhook(secret).verify(post.body, signed(post.headers)) as { type: string; data: object }),
      }));
      expect(events.map((event) => event.type).sort()).toEqual([
        'request.cohort-reached',
        'run.failed',
        'run.finished',
        'run.finished',
      ]);
      const cohort = events.find((event) => event.type === 'request.cohort-reached')!;
      // The count as the council's own view gives it: rounded to 5, never exact.
      expect(cohort.data).toEqual({ requestId, consents: { k: 10, atLeastK: true, count: 10 } });
      for (const post of receiver.received) {
        expect(post.body).not.toMatch(/pods\.example|webid|home-/i);
      }
      const delivered = (await (
        await call(councilA, 'GET', 'council/webhook/deliveries')
      ).json()) as typeof log;
      expect(delivered.deliveries.map((delivery) => delivery.state)).toEqual(Array(4).fill('delivered'));

      // Polling again, from two broker processes at once, sends nothing more.
      advance(3_600_000);
      await Promise.all([worker.poll(), newWorker().poll()]);
      expect(receiver.received).toHaveLength(4);

      // A replay sends the same message again, signed anew.
      const replayed = await call(
        councilA,
        'POST',
        `council/webhook/deliveries/${delivered.deliveries[0]!.id}/replay`,
      );
      expect(replayed.status).toBe(202);
      expect(await replayed.json()).toMatchObject({ state: 'pending', attempts: 0 });
      await worker.poll();
      expect(receiver.received).toHaveLength(5);
      const again = receiver.received[4]!;
      expect(again.headers['webhook-id']).toBe(delivered.deliveries[0]!.id);
      // Signed at the broker's clock, an hour ahead of the receiver's by now: check the signature itself.
      const timestamp = new Date(Number(again.headers['webhook-timestamp']) * 1000);
      expect(timestamp).toEqual(new Date(Math.floor(now.getTime() / 1000) * 1000));
      expect(again.headers['webhook-signature']).toBe(
        new Webhook(secret).sign(String(again.headers['webhook-id']), timestamp, again.body),
      );
    } finally {
      await receiver.close();
    }
  });

  it('sends two events at once from two broker processes only once each', async () => {
    const port = await findFreePort();
    const receiver = await startReceiver(port);
    try {
      await call(councilA, 'PUT', 'council/webhook', { url: `http://127.0.0.1:${port}/hook` });
      for (let run = 0; run < 2; run++) {
        const runId = await createRun(db, { requestId, epsilon: null }, now);
        await failRun(db, runId, 'test', 'Stopped by the test', now);
      }
      await Promise.all([newWorker().poll(), newWorker().poll(), worker.poll()]);
      expect(receiver.received).toHaveLength(2);
    } finally {
      await receiver.close();
    }
  });

  attack(
    {
      id: 'WH1',
      attacker: 'council',
      tried: "list or replay another council's webhook deliveries",
      expected: 'its own log only; a replay of another council’s delivery is 404',
    },
    async () => {
      const theirs = (await (await call(councilA, 'GET', 'council/webhook/deliveries')).json()) as {
        deliveries: { id: string }[];
      };
      expect(theirs.deliveries.length).toBeGreaterThan(0);
      const mine = (await (await call(councilB, 'GET', 'council/webhook/deliveries')).json()) as {
        deliveries: unknown[];
      };
      expect(mine.deliveries).toEqual([]);
      const replay = await call(
        councilB,
        'POST',
        `council/webhook/deliveries/${theirs.deliveries[0]!.id}/replay`,
      );
      expect(replay.status).toBe(404);
      expect((await call(councilB, 'GET', 'council/webhook')).status).toBe(404);
    },
  );

  attack(
    {
      id: 'WH2',
      attacker: 'council',
      tried: 'register a webhook on a private network address or a metadata endpoint (SSRF)',
      expected: '422 on the url field; nothing registered',
    },
    async () => {
      for (const url of [
        'https://10.0.0.5/hook',
        'https://169.254.169.254/latest/meta-data',
        'https://[fd00::1]/hook',
        'http://192.168.1.1/hook',
        'https://[::ffff:10.0.0.5]/hook',
        'ftp://127.0.0.1/hook',
        'https://user:pass@example.org/hook',
      ]) {
        const response = await call(councilB, 'PUT', 'council/webhook', { url });
        expect(response.status, url).toBe(422);
      }
      expect((await call(councilB, 'GET', 'council/webhook')).status).toBe(404);
    },
  );

  attack(
    {
      id: 'WH3',
      attacker: 'council',
      tried: 'make the broker follow a redirect from its webhook to another address',
      expected: 'the redirect is not followed; the delivery fails with `redirect`',
    },
    async () => {
      const targetPort = await findFreePort();
      const target = await startReceiver(targetPort);
      const hookPort = await findFreePort();
      const hook = await startReceiver(hookPort, (res) =>
        res.writeHead(307, { location: `http://127.0.0.1:${targetPort}/internal` }).end(),
      );
      try {
        await call(councilB, 'PUT', 'council/webhook', { url: `http://127.0.0.1:${hookPort}/hook` });
        const runRequest = await createRequest(
          db,
          councilB.id,
          {
            title: 'Redirect',
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
        );
        const runId = await createRun(db, { requestId: runRequest, epsilon: null }, now);
        await failRun(db, runId, 'test', 'Stopped by the test', now);
        await worker.poll();
        expect(hook.received).toHaveLength(1);
        expect(target.received).toHaveLength(0);
        const log = (await (await call(councilB, 'GET', 'council/webhook/deliveries')).json()) as {
          deliveries: { state: string; lastError: string }[];
        };
        expect(log.deliveries[0]).toMatchObject({ state: 'pending', lastError: 'redirect' });
      } finally {
        await hook.close();
        await target.close();
      }
    },
  );
});
