// The pod set-up gives every home an LDN inbox: advertised on the WebID profile and the home document, the broker
// may Append to it and do nothing else, under WAC and ACP pod servers alike.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { setUpHomedataPod } from '../../src/pod/homedata-pod.ts';
import { inboxInPod } from '../../src/pod/inbox.ts';
import type { PodLayout } from '../../src/pod/pod-layout.ts';
import { readRequestOffers, requestOfferTurtle } from '../../src/pod/formats/request-offer.ts';
import { readTurtle } from '../../src/pod/resource-read.ts';
import { TERMS } from '../../src/vocab/terms.ts';
import { parseTurtle } from '../../src/vocab/turtle.ts';
import { createActor, type TestActor } from '../helpers/identities.ts';

const servers = [
  { system: 'wac', server: inject('podServer') },
  { system: 'acp', server: inject('podServerAcp') },
] as const;

describe.each(servers)('the home inbox on the $system pod', ({ server }) => {
  let resident: TestActor;
  let broker: TestActor;
  let stranger: TestActor;
  let layout: PodLayout;

  const offer = (requestId: string) =>
    requestOfferTurtle({
      id: `urn:uuid:${crypto.randomUUID()}`,
      broker: broker.identity.webId,
      resident: resident.identity.webId,
      requestUrl: `http://localhost:1/api/requests/${requestId}`,
      requestId,
      title: 'Damp in winter',
      published: new Date('2026-11-29T10:00:00Z'),
    });
  const post = (actor: TestActor, body: string) =>
    actor.agent.fetch(layout.inbox, { method: 'POST', headers: { 'content-type': 'text/turtle' }, body });

  beforeAll(async () => {
    [resident, broker, stranger] = await Promise.all([
      createActor(server, 'inbox-resident'),
      createActor(server, 'inbox-broker'),
      createActor(server, 'inbox-stranger'),
    ]);
    const home = { area: 'E05000001', dwellingType: 'Flat' as const, timeZone: 'Europe/London', rooms: [] };
    layout = await setUpHomedataPod(
      resident.agent,
      resident.identity.pod,
      home,
      [],
      'https://gateway.example/profile/card#me',
      { brokerWebId: broker.identity.webId },
    );
  });

  afterAll(async () => {
    await Promise.all([resident, broker, stranger].map((actor) => actor?.agent.logout()));
  });

  it('names the inbox as ldp:inbox on the public WebID profile and on the home document', async () => {
    const profile = await fetch(resident.identity.webId, { headers: { accept: 'text/turtle' } });
    expect(profile.status).toBe(200);
    const store = parseTurtle(await profile.text(), { baseIRI: resident.identity.webId });
    expect(inboxInPod(store, resident.identity.webId, resident.identity.pod)).toBe(layout.inbox);
    const home = await readTurtle(resident.agent.fetch, layout.homeProfile);
    expect(home!.store.getObjects(`${layout.homeProfile}#home`, TERMS.ldp.inbox, null)[0]?.value).toBe(
      layout.inbox,
    );
  });

  it('lets the broker Append an offer, and nothing more', async () => {
    const posted = await post(broker, offer('offer-1'));
    expect(posted.status).toBe(201);
    const member = posted.headers.get('location')!;
    expect(member.startsWith(layout.inbox)).toBe(true);
    expect((await broker.agent.fetch(layout.inbox)).status).toBe(403);
    expect((await broker.agent.fetch(member)).status).toBe(403);
    expect((await broker.agent.fetch(member, { method: 'DELETE' })).status).toBe(403);
    expect((await broker.agent.fetch(layout.homeProfile)).status).toBe(403);
    const [read] = readRequestOffers((await readTurtle(resident.agent.fetch, member))!.store);
    expect(read).toMatchObject({
      requestId: 'offer-1',
      broker: broker.identity.webId,
      title: 'Damp in winter',
    });
  });

  it('refuses offers from anyone else', async () => {
    expect((await post(stranger, offer('offer-2'))).status).toBe(403);
    expect((await fetch(layout.inbox, { method: 'POST', body: offer('offer-3') })).status).toBe(401);
  });
});
