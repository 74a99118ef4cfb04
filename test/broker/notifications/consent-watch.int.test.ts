// A consent record deleted in the pod by another Solid app counts as withdrawn at the broker within 2 s: the broker
// watches each record it indexed through a WebhookChannel2023 subscription and reads the record again when told.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enrolTestHomes } from '../../helpers/enrol-homes.ts';
import { createActor, type TestActor } from '../../helpers/identities.ts';
import { TEST_AREA } from '../request-fixtures.ts';
import {
  consentAs,
  consentState,
  createResident,
  startNotificationBroker,
  type NotificationBroker,
  type NotifiedResident,
} from './notification-world.ts';

describe('consent records watched through pod webhooks', () => {
  const server = inject('podServer');
  let brokerActor: TestActor;
  let world: NotificationBroker;
  let alice: NotifiedResident;
  let bob: NotifiedResident;

  beforeAll(async () => {
    brokerActor = await createActor(server, 'watch-broker');
    [alice, bob, world] = await Promise.all([
      createResident(server, 'watch-alice', TEST_AREA, brokerActor.identity.webId),
      createResident(server, 'watch-bob', TEST_AREA, brokerActor.identity.webId),
      startNotificationBroker(server, brokerActor),
    ]);
    await enrolTestHomes(world.broker.db, [{ pod: alice.identity.pod }, { pod: bob.identity.pod }]);
  });

  afterAll(async () => {
    await world?.stop();
    await Promise.all([brokerActor, alice, bob].map((actor) => actor?.agent.logout()));
  });

  it('subscribes to a consent record when the consent is registered', async () => {
    const requestId = await world.fileRequest();
    await consentAs(alice, world.broker.url, requestId);
    await world.broker.watches.idle();
    const [watch] = await world.broker.db.query<{ channel: string | null; ends_at: Date | null }>(
      'SELECT channel, ends_at FROM consent_watches WHERE request_id = $1',
      [requestId],
    );
    expect(watch?.channel).toMatch(new RegExp(`^${new URL(server).origin}/`));
    expect(watch?.ends_at?.getTime()).toBeGreaterThan(Date.now());
  });

  it('treats a record the resident deleted from another app as withdrawn within 2 s', async () => {
    const requestId = await world.fileRequest({ title: 'Cold homes' });
    const record = await consentAs(alice, world.broker.url, requestId);
    await consentAs(bob, world.broker.url, requestId);
    await world.broker.watches.idle();
    expect(await consentState(world.broker, requestId, alice.identity.webId)).toBe('given');

    // Another Solid app: a plain authenticated DELETE in the resident's own pod, nothing sent to the broker.
    const deleted = await alice.agent.fetch(record, { method: 'DELETE' });
    expect(deleted.status).toBe(205);
    await expect
      .poll(() => consentState(world.broker, requestId, alice.identity.webId), {
        timeout: 2_000,
        interval: 50,
      })
      .toBe('withdrawn');
    expect(await consentState(world.broker, requestId, bob.identity.webId)).toBe('given');
  });
});
