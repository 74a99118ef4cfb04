// Webhook events are queued with the change they report: never for a rolled-back change, cohort-reached once, at k.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordGivenConsent, withdrawConsent } from '../../../src/broker/consents/consent-transactor.ts';
import { addCouncil } from '../../../src/broker/councils/council-transactor.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import type { WebhookDeliveryRow } from '../../../src/broker/db/schema/webhook-deliveries.ts';
import { createRequest } from '../../../src/broker/requests/request-transactor.ts';
import { createRun, failRun, requeueInterruptedRuns } from '../../../src/broker/runs/run-transactor.ts';
import { listCouncilDeliveries } from '../../../src/broker/webhooks/webhook-reader.ts';
import { queueWebhookEvent, registerWebhook } from '../../../src/broker/webhooks/webhook-transactor.ts';
import { parseBrokerConfig } from '../../../src/broker/config.ts';
import { pruneExpired } from '../../../src/broker/retention.ts';
import { enrolTestHomes } from '../../helpers/enrol-homes.ts';
import { AREA, podOf, webIdOf } from '../runs/synthetic-broker.ts';
import { openMemoryDatabase } from '../../helpers/memory-database.ts';

const now = new Date();
const CONFIG = {
  issuer: 'http://localhost:1/',
  webId: 'http://localhost:1/broker/profile/card#me',
  clientId: 'id',
  clientSecret: 'secret',
};

describe('webhook events', () => {
  let db: Database;
  let councilId: string;
  let quietCouncilId: string;

  const newRequest = (council: string) =>
    createRequest(
      db,
      council,
      {
        title: 'Events',
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
  const consent = (requestId: string, index: number) =>
    recordGivenConsent(db, {
      request_id: requestId,
      resident_webid: webIdOf(index),
      pod: podOf(index),
      record_iri: `${podOf(index)}homedata/consents/${requestId}.ttl#consent`,
      area: AREA,
      dwelling_type: 'Flat',
      given_at: now,
      expires_at: new Date('2036-12-31T00:00:00Z'),
    });
  const events = async (): Promise<WebhookDeliveryRow[]> => listCouncilDeliveries(db, councilId, 100);

  beforeAll(async () => {
    db = await openMemoryDatabase();
    councilId = (await addCouncil(db, 'Northbridge Borough Council')).id;
    quietCouncilId = (await addCouncil(db, 'Southmoor District Council')).id;
    await enrolTestHomes(
      db,
      Array.from({ length: 12 }, (_, index) => ({ pod: podOf(index) })),
    );
    await registerWebhook(db, councilId, 'https://hooks.example/homedata', now);
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  it('sends request.cohort-reached once, at the consent that brings the request to k', async () => {
    const requestId = await newRequest(councilId);
    for (let index = 0; index < 9; index++) await consent(requestId, index);
    expect(await events()).toEqual([]);
    await consent(requestId, 9);
    const [reached, ...rest] = await events();
    expect(rest).toEqual([]);
    expect(reached).toMatchObject({
      event_type: 'request.cohort-reached',
      state: 'pending',
      data: { requestId, consents: { k: 10, atLeastK: true, count: 10 } },
    });
    // Dropping below k and reaching it again is not news.
    await withdrawConsent(db, requestId, webIdOf(0), now);
    await consent(requestId, 0);
    await consent(requestId, 10);
    expect(await events()).toHaveLength(1);
  });

  it('sends nothing for a run change that was rolled back, and one event when it commits', async () => {
    await db.query('DELETE FROM webhook_deliveries');
    const requestId = await newRequest(councilId);
    const runId = await createRun(db, { requestId, epsilon: null }, now);
    await expect(
      db.transaction(async (tx) => {
        await failRun(tx, runId, 'test', 'Stopped by the test', now);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await events()).toEqual([]);
    await failRun(db, runId, 'test', 'Stopped by the test', now);
    expect(await events()).toMatchObject([
      { event_type: 'run.failed', data: { requestId, runId, state: 'failed', problem: 'test' } },
    ]);
  });

  it('sends run.failed for a run that used up its attempts when the broker restarts', async () => {
    await db.query('DELETE FROM webhook_deliveries');
    const requestId = await newRequest(councilId);
    const runId = await createRun(db, { requestId, epsilon: null }, now);
    await db.query("UPDATE runs SET state = 'running', attempts = 3, heartbeat_at = $2 WHERE id = $1", [
      runId,
      new Date(now.getTime() - 3_600_000),
    ]);
    expect(await events()).toEqual([]);
    await requeueInterruptedRuns(db, now, 3, now);
    expect(await events()).toMatchObject([
      { event_type: 'run.failed', data: { runId, problem: 'run-attempts' } },
    ]);
  });

  it('queues nothing for a council without a webhook', async () => {
    const requestId = await newRequest(quietCouncilId);
    for (let index = 0; index < 10; index++) await consent(requestId, index);
    const runId = await createRun(db, { requestId, epsilon: null }, now);
    await failRun(db, runId, 'test', 'Stopped by the test', now);
    expect(await listCouncilDeliveries(db, quietCouncilId, 100)).toEqual([]);
  });
});

describe('webhook delivery retention', () => {
  it('deletes settled deliveries past the cutoff and keeps pending ones', async () => {
    const db = await openMemoryDatabase();
    try {
      const councilId = (await addCouncil(db, 'Northbridge Borough Council')).id;
      await registerWebhook(db, councilId, 'https://hooks.example/homedata', now);
      const old = new Date(now.getTime() - 31 * 24 * 3_600_000);
      for (const [index, state] of (['delivered', 'failed', 'pending'] as const).entries()) {
        await queueWebhookEvent(db, councilId, 'run.finished', { runId: `run-${index}` }, old);
        await db.query("UPDATE webhook_deliveries SET state = $1 WHERE data->>'runId' = $2", [
          state,
          `run-${index}`,
        ]);
      }
      await queueWebhookEvent(db, councilId, 'run.finished', { runId: 'recent' }, now);
      await db.query("UPDATE webhook_deliveries SET state = 'delivered' WHERE data->>'runId' = 'recent'");
      const outcome = await pruneExpired(db, new Uint8Array(32), parseBrokerConfig(CONFIG).retention, now);
      expect(outcome.webhookDeliveries).toBe(2);
      const left = await listCouncilDeliveries(db, councilId, 100);
      expect(left.map((row) => row.data.runId).sort()).toEqual(['recent', 'run-2']);
    } finally {
      await db.close();
    }
  }, 60_000);
});
