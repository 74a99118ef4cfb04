// A published request reaches the inbox of each enrolled home in its areas as an LDN `as:Offer`, and no other inbox.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readRequestOffers, type RequestOffer } from '../../../src/pod/formats/request-offer.ts';
import { readTurtle } from '../../../src/pod/resource-read.ts';
import { TERMS } from '../../../src/vocab/terms.ts';
import { enrolTestHomes } from '../../helpers/enrol-homes.ts';
import { createActor, type TestActor } from '../../helpers/identities.ts';
import { TEST_AREA } from '../request-fixtures.ts';
import {
  createResident,
  startNotificationBroker,
  type NotificationBroker,
  type NotifiedResident,
} from './notification-world.ts';

const OTHER_AREA = 'E05018413';

/** The offers in a resident's inbox, read with the resident's own session. */
async function offersIn(resident: NotifiedResident): Promise<RequestOffer[]> {
  const inbox = await readTurtle(resident.agent.fetch, resident.layout.inbox);
  const members = inbox!.store.getObjects(resident.layout.inbox, TERMS.ldp.contains, null);
  const documents = await Promise.all(
    members.map((member) => readTurtle(resident.agent.fetch, member.value)),
  );
  return documents.flatMap((document) => readRequestOffers(document!.store));
}

describe('request offers to home inboxes', () => {
  const server = inject('podServer');
  let brokerActor: TestActor;
  let world: NotificationBroker;
  let inArea: NotifiedResident;
  let outOfArea: NotifiedResident;
  let notEnrolled: NotifiedResident;

  beforeAll(async () => {
    brokerActor = await createActor(server, 'offer-broker');
    const broker = brokerActor.identity.webId;
    [inArea, outOfArea, notEnrolled, world] = await Promise.all([
      createResident(server, 'offer-in', TEST_AREA, broker),
      createResident(server, 'offer-out', OTHER_AREA, broker),
      createResident(server, 'offer-none', TEST_AREA, broker),
      startNotificationBroker(server, brokerActor),
    ]);
    await enrolTestHomes(world.broker.db, [
      { pod: inArea.identity.pod, residentWebId: inArea.identity.webId, area: TEST_AREA },
      { pod: outOfArea.identity.pod, residentWebId: outOfArea.identity.webId, area: OTHER_AREA },
    ]);
  });

  afterAll(async () => {
    await world?.stop();
    await Promise.all([brokerActor, inArea, outOfArea, notEnrolled].map((actor) => actor?.agent.logout()));
  });

  it("offers a new request to an enrolled home in its area, and to no other home's inbox", async () => {
    const requestId = await world.fileRequest();
    await expect
      .poll(() => offersIn(inArea), { timeout: 5_000, interval: 100 })
      .toEqual([
        expect.objectContaining({
          requestId,
          requestUrl: `${world.broker.url}api/requests/${requestId}`,
          broker: brokerActor.identity.webId,
          resident: inArea.identity.webId,
          title: 'Damp in Northbridge',
        }),
      ]);
    await world.broker.offers.idle();
    expect(world.broker.offers.counts).toEqual({ sent: 1, failed: 0, noInbox: 0 });
    expect(await offersIn(outOfArea)).toEqual([]);
    expect(await offersIn(notEnrolled)).toEqual([]);
  });

  it('cannot read the inbox it appends to', async () => {
    expect((await brokerActor.agent.fetch(inArea.layout.inbox)).status).toBe(403);
    const inbox = await readTurtle(inArea.agent.fetch, inArea.layout.inbox);
    const member = inbox!.store.getObjects(inArea.layout.inbox, TERMS.ldp.contains, null)[0]!.value;
    expect((await brokerActor.agent.fetch(member)).status).toBe(403);
  });
});
