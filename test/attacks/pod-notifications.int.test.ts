// Forged Solid notifications at the broker's consent-record webhook: a notification is only a hint to read the
// record again, so nobody withdraws a resident's consent by sending one.
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { enrolTestHomes } from '../helpers/enrol-homes.ts';
import { createActor, type TestActor } from '../helpers/identities.ts';
import { TEST_AREA } from '../broker/request-fixtures.ts';
import {
  consentAs,
  consentState,
  createResident,
  startNotificationBroker,
  type NotificationBroker,
  type NotifiedResident,
} from '../broker/notifications/notification-world.ts';
import { attack } from './attack.ts';

describe('forged pod notifications', () => {
  const server = inject('podServer');
  let brokerActor: TestActor;
  let world: NotificationBroker;
  let alice: NotifiedResident;
  let requestId: string;
  let token: string;

  const auditRows = async () =>
    Number((await world.broker.db.query<{ n: string }>('SELECT count(*) AS n FROM audit_log'))[0]!.n);
  /** What the pod server would send when the record is deleted (CSS 7's body), from anyone. */
  const forge = (path: string) =>
    fetch(`${world.broker.url}api/pod-notifications/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/ld+json' },
      body: JSON.stringify({
        '@context': ['https://www.w3.org/ns/activitystreams', 'https://www.w3.org/ns/solid/notification/v1'],
        id: `urn:${Date.now()}:forged`,
        type: 'Delete',
        object: alice.layout.consentDocument(requestId),
        published: new Date().toISOString(),
      }),
    });

  beforeAll(async () => {
    brokerActor = await createActor(server, 'forge-broker');
    [alice, world] = await Promise.all([
      createResident(server, 'forge-alice', TEST_AREA, brokerActor.identity.webId),
      startNotificationBroker(server, brokerActor),
    ]);
    await enrolTestHomes(world.broker.db, [{ pod: alice.identity.pod }]);
    requestId = await world.fileRequest();
    await consentAs(alice, world.broker.url, requestId);
    await world.broker.watches.idle();
    const [watch] = await world.broker.db.query<{ token: string }>(
      'SELECT token FROM consent_watches WHERE request_id = $1',
      [requestId],
    );
    token = watch!.token;
  });

  afterAll(async () => {
    await world?.stop();
    await Promise.all([brokerActor, alice].map((actor) => actor?.agent.logout()));
  });

  attack(
    {
      id: 'N1',
      attacker: 'anyone who learned a watch URL',
      tried: "POST a forged 'Delete' notification of a consent record to the broker's webhook",
      expected: 'the broker reads the record again, finds it, and the consent stays given',
    },
    async () => {
      const before = await auditRows();
      expect((await forge(token)).status).toBe(202);
      await world.broker.watches.idle();
      // It did read the record again (one audited read), and the pod's answer, not the notification, decided.
      expect(await auditRows()).toBe(before + 1);
      expect(await consentState(world.broker, requestId, alice.identity.webId)).toBe('given');
    },
  );

  attack(
    {
      id: 'N2',
      attacker: 'anyone',
      tried: 'POST notifications to guessed watch URLs',
      expected: '404 for each, and the broker reads no pod',
    },
    async () => {
      const before = await auditRows();
      const guesses = [
        'x',
        'A'.repeat(43),
        `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
        '..%2F',
      ];
      for (const guess of guesses) expect((await forge(guess)).status).toBe(404);
      await world.broker.watches.idle();
      expect(await auditRows()).toBe(before);
      expect(await consentState(world.broker, requestId, alice.identity.webId)).toBe('given');
    },
  );
});
