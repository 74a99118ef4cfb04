// Webhook deliveries on PostgreSQL: several broker processes share the queue and never send one event twice.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCouncil } from '../../../src/broker/councils/council-transactor.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import { openBrokerDatabase } from '../../../src/broker/db/open-database.ts';
import { createRequest } from '../../../src/broker/requests/request-transactor.ts';
import { createRun, failRun } from '../../../src/broker/runs/run-transactor.ts';
import { createWebhookWorker } from '../../../src/broker/webhooks/webhook-worker.ts';
import { queueWebhookEvent, registerWebhook } from '../../../src/broker/webhooks/webhook-transactor.ts';
import { createLogger } from '../../../src/logging.ts';
import { postgresScenarioDatabase, type ScenarioDatabase } from '../../helpers/scenario-databases.ts';

const EVENTS = 40;

describe('webhook deliveries on PostgreSQL', () => {
  let scenario: ScenarioDatabase;
  /** Three pools on one schema: three broker processes. */
  let brokers: Database[];
  let receiver: Server;
  let url: string;
  const ids: string[] = [];

  beforeAll(async () => {
    scenario = await postgresScenarioDatabase('webhooks_');
    brokers = [];
    for (let index = 0; index < 3; index++) brokers.push(await openBrokerDatabase(scenario.target));
    receiver = createServer((req, res) => {
      ids.push(String(req.headers['webhook-id']));
      // A slow receiver keeps deliveries in flight while the other processes poll.
      setTimeout(() => res.writeHead(204).end(), 20);
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const address = receiver.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  }, 60_000);

  afterAll(async () => {
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    for (const db of brokers ?? []) await db.close();
    await scenario?.dispose();
  });

  it('queues run events by trigger and sends each once from three processes polling at once', async () => {
    const [db] = brokers;
    const now = new Date();
    const council = await addCouncil(db!, 'Northbridge Borough Council');
    await registerWebhook(db!, council.id, url, now);
    const requestId = await createRequest(
      db!,
      council.id,
      {
        title: 'Webhooks on PostgreSQL',
        purpose: 'https://w3id.org/dpv#ImprovePublicServices',
        description: 'Test',
        metrics: ['temperature.mean'] as never,
        areas: ['E05018412'],
        period: { from: '2026-01-01', to: '2026-01-31' },
        granularity: 'month',
        split: 'none',
        minCohort: 10,
        consentUntil: '2036-12-31',
      },
      now,
    );
    const runId = await createRun(db!, { requestId, epsilon: null }, now);
    await failRun(db!, runId, 'test', 'Stopped by the test', now);
    for (let index = 1; index < EVENTS; index++) {
      await queueWebhookEvent(db!, council.id, 'run.finished', { requestId, runId: `run-${index}` }, now);
    }
    const workers = brokers.map((broker) =>
      createWebhookWorker({
        db: broker,
        clock: () => now,
        logger: createLogger('webhook-svc', 'silent'),
        policy: { allowHttpLoopback: true },
        pollMs: 1000,
      }),
    );
    const attempted = await Promise.all(workers.map((worker) => worker.poll()));
    expect(attempted.reduce((sum, count) => sum + count, 0)).toBe(EVENTS);
    expect(ids).toHaveLength(EVENTS);
    expect(new Set(ids).size).toBe(EVENTS);
    const states = await db!.query<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM webhook_deliveries GROUP BY state',
    );
    expect(states).toEqual([{ state: 'delivered', n: EVENTS }]);
  });
});
