// Attacks through council webhooks: another council's deliveries (IDOR), SSRF by URL or by redirect.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createRun, failRun } from '../../src/broker/runs/run-transactor.ts';
import { createWebhookWorker } from '../../src/broker/webhooks/webhook-worker.ts';
import { findFreePort } from '../../src/free-port.ts';
import {
  logger,
  openWebhookWorld,
  startReceiver,
  type WebhookWorld,
} from '../broker/webhooks/webhook-world.ts';
import { attack } from './attack.ts';

describe('council webhooks', () => {
  let world: WebhookWorld;

  /** Ends a new run of a new request of `councilId` (failed), which queues a run.failed event. */
  const endRun = async (councilId: string) => {
    const requestId = await world.newRequest(councilId);
    const runId = await createRun(world.db, { requestId, epsilon: null }, world.clock());
    await failRun(world.db, runId, 'test', 'Stopped by the test', world.clock());
  };
  const poll = () =>
    createWebhookWorker({
      db: world.db,
      clock: () => world.clock(),
      logger,
      policy: { allowHttpLoopback: true },
      pollMs: 1000,
    }).poll();

  beforeAll(async () => {
    world = await openWebhookWorld();
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  attack(
    {
      id: 'WH1',
      attacker: 'council',
      tried: "list or replay another council's webhook deliveries",
      expected: 'its own log only; a replay of another council’s delivery is 404',
    },
    async () => {
      const { call, councilA, councilB } = world;
      const port = await findFreePort();
      expect(
        (await call(councilA, 'PUT', 'council/webhook', { url: `http://127.0.0.1:${port}/` })).status,
      ).toBe(200);
      await endRun(councilA.id);
      const theirs = (await (await call(councilA, 'GET', 'council/webhook/deliveries')).json()) as {
        deliveries: { id: string }[];
      };
      expect(theirs.deliveries).toHaveLength(1);
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
    60_000,
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
        const response = await world.call(world.councilB, 'PUT', 'council/webhook', { url });
        expect(response.status, url).toBe(422);
      }
      expect((await world.call(world.councilB, 'GET', 'council/webhook')).status).toBe(404);
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
      const { call, councilB } = world;
      const targetPort = await findFreePort();
      const target = await startReceiver(targetPort);
      const hookPort = await findFreePort();
      const hook = await startReceiver(hookPort, (res) =>
        res.writeHead(307, { location: `http://127.0.0.1:${targetPort}/internal` }).end(),
      );
      try {
        await call(councilB, 'PUT', 'council/webhook', { url: `http://127.0.0.1:${hookPort}/hook` });
        await endRun(councilB.id);
        await poll();
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
    60_000,
  );
});
