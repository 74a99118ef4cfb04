// Council webhooks on an in-memory broker with a real HTTP receiver: down for a minute, back, no duplicates, replay.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordGivenConsent } from '../../../src/broker/consents/consent-transactor.ts';
import { RunExecutor } from '../../../src/broker/runs/run-executor.ts';
import { createRun, failRun } from '../../../src/broker/runs/run-transactor.ts';
import { createWebhookWorker, type WebhookWorker } from '../../../src/broker/webhooks/webhook-worker.ts';
import { findFreePort } from '../../../src/free-port.ts';
import { seededRandomSource } from '../../../src/privacy/index.ts';
import { enrolTestHomes } from '../../helpers/enrol-homes.ts';
import { AREA, podOf, syntheticHomes, syntheticReader, webIdOf } from '../runs/synthetic-broker.ts';
import {
  logger,
  openWebhookWorld,
  signedHeaders as signed,
  startReceiver,
  type WebhookWorld,
} from './webhook-world.ts';

const HOMES = 12;

describe('council webhooks', () => {
  let world: WebhookWorld;
  let requestId: string;
  let executor: RunExecutor;
  let worker: WebhookWorker;
  const now = () => world.clock();
  const advance = (ms: number) => world.advance(ms);
  const call: WebhookWorld['call'] = (...args) => world.call(...args);

  const newWorker = () =>
    createWebhookWorker({
      db: world.db,
      clock: () => world.clock(),
      logger,
      policy: { allowHttpLoopback: true },
      pollMs: 1000,
      random: seededRandomSource(3),
    });

  beforeAll(async () => {
    world = await openWebhookWorld();
    await enrolTestHomes(
      world.db,
      Array.from({ length: HOMES }, (_, index) => ({ pod: podOf(index) })),
    );
    requestId = await world.newRequest(world.councilA.id);
    executor = new RunExecutor({
      db: world.db,
      reader: syntheticReader(new Map(syntheticHomes(0, HOMES, 'Flat').map((home) => [home.index, home]))),
      clock: () => world.clock(),
      logger,
      random: seededRandomSource(5),
      kFloor: 10,
    });
    worker = newWorker();
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  it('delivers every event once, signed, to a receiver that was down for a minute', async () => {
    const port = await findFreePort();
    const registered = await call(world.councilA, 'PUT', 'council/webhook', {
      url: `http://127.0.0.1:${port}/hook`,
    });
    expect(registered.status).toBe(200);
    const { secret } = (await registered.json()) as { secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect(await (await call(world.councilA, 'GET', 'council/webhook')).json()).not.toHaveProperty('secret');

    // While the receiver is down: the cohort reaches k, two runs finish and one fails.
    for (let index = 0; index < HOMES; index++) {
      await recordGivenConsent(world.db, {
        request_id: requestId,
        resident_webid: webIdOf(index),
        pod: podOf(index),
        record_iri: `${podOf(index)}homedata/consents/${requestId}.ttl#consent`,
        area: AREA,
        dwelling_type: 'Flat',
        given_at: now(),
        expires_at: new Date('2036-12-31T00:00:00Z'),
      });
    }
    for (let run = 0; run < 2; run++) {
      const runId = await createRun(world.db, { requestId, epsilon: null }, now());
      await executor.execute(runId);
    }
    const failed = await createRun(world.db, { requestId, epsilon: null }, now());
    await failRun(world.db, failed, 'test', 'Stopped by the test', now());
    await failRun(world.db, failed, 'test', 'Failed again: no second event', now());

    const downSince = now().getTime();
    expect(await worker.poll()).toBe(4);
    while (now().getTime() - downSince < 60_000) {
      advance(5_000);
      await worker.poll();
    }
    const log = (await (await call(world.councilA, 'GET', 'council/webhook/deliveries')).json()) as {
      deliveries: { id: string; state: string; attempts: number; lastError: string | null; type: string }[];
    };
    expect(log.deliveries).toHaveLength(4);
    for (const delivery of log.deliveries) {
      expect(delivery).toMatchObject({ state: 'pending', lastError: 'unreachable' });
      expect(delivery.attempts).toBeGreaterThanOrEqual(3);
    }

    const receiver = await startReceiver(port);
    try {
      while (now().getTime() - downSince < 5 * 60_000) {
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
        await call(world.councilA, 'GET', 'council/webhook/deliveries')
      ).json()) as typeof log;
      expect(delivered.deliveries.map((delivery) => delivery.state)).toEqual(Array(4).fill('delivered'));

      // Polling again, from two broker processes at once, sends nothing more.
      advance(3_600_000);
      await Promise.all([worker.poll(), newWorker().poll()]);
      expect(receiver.received).toHaveLength(4);

      // A replay sends the same message again, signed anew.
      const replayed = await call(
        world.councilA,
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
      expect(timestamp).toEqual(new Date(Math.floor(now().getTime() / 1000) * 1000));
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
      await call(world.councilA, 'PUT', 'council/webhook', { url: `http://127.0.0.1:${port}/hook` });
      for (let run = 0; run < 2; run++) {
        const runId = await createRun(world.db, { requestId, epsilon: null }, now());
        await failRun(world.db, runId, 'test', 'Stopped by the test', now());
      }
      await Promise.all([newWorker().poll(), newWorker().poll(), worker.poll()]);
      expect(receiver.received).toHaveLength(2);
    } finally {
      await receiver.close();
    }
  });
});
