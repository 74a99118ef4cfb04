// The resident's grant, revoke and sweep change exactly the broker's access in the pod, under WAC and under ACP pod
// servers alike (the system found by discovery). The broker's HTTP side is a stand-in here; the pod server is real.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PublicRequest } from '../../src/broker/contract.ts';
import { BrokerClient } from '../../src/consent/broker-client.ts';
import type { ConsentContext } from '../../src/consent/consent-reader.ts';
import { grantConsent, revokeConsent, sweepConsents } from '../../src/consent/consent-writer.ts';
import { readConsentRecord } from '../../src/consent/consent-reader.ts';
import { discoverAccessControl } from '../../src/pod/access-control.ts';
import { setUpHomedataPod } from '../../src/pod/homedata-pod.ts';
import type { PodLayout } from '../../src/pod/pod-layout.ts';
import { writeTurtle } from '../../src/pod/resource-write.ts';
import { createActor, type TestActor } from '../helpers/identities.ts';
import { sweepNotice, sweepThenList } from '../../src/web/resident/sign-in-sweep.ts';

const HOUR = 60 * 60 * 1000;
const AREA = 'E05018412';
/** The gateway's Append (set up with the pod) must survive every consent change. */
const GATEWAY = 'https://gateway.example/profile/card#me';
const turtle = '<#day> <http://purl.org/dc/terms/title> "x".\n';

const servers = [
  { system: 'wac', server: inject('podServer') },
  { system: 'acp', server: inject('podServerAcp') },
] as const;

/** A council request as the broker would publish it. */
function councilRequest(id: string, metrics: string[], consentUntil: Date): PublicRequest {
  return {
    id,
    council: { id: 'c1', name: 'Northbridge' },
    title: id,
    purpose: 'https://w3id.org/dpv#ResearchAndDevelopment',
    description: '',
    metrics,
    areas: [AREA],
    period: { from: '2026-01-01', to: '2026-02-01' },
    granularity: 'month',
    split: 'none',
    minCohort: 10,
    consentUntil: consentUntil.toISOString(),
    dp: null,
    createdAt: new Date(0).toISOString(),
    state: 'open',
  };
}

describe.each(servers)('consent grants on the $system pod', ({ system, server }) => {
  let resident: TestActor;
  let broker: TestActor;
  let layout: PodLayout;
  let now = new Date('2026-02-01T00:00:00Z');
  const requests = new Map<string, PublicRequest>();
  const told: string[] = [];

  const contextOf = (): ConsentContext => ({
    session: resident.agent,
    // Only the broker's HTTP answers are stood in for; every pod request goes to the real server.
    broker: {
      info: async () => ({ webId: broker.identity.webId, kFloor: 10, purposes: [] }),
      getRequest: async (id: string) => requests.get(id)!,
      listRequests: async () => [...requests.values()],
      notifyConsent: async (id: string) => void told.push(`consent ${id}`),
      notifyWithdrawal: async (id: string) => void told.push(`withdrawal ${id}`),
    } as unknown as BrokerClient,
    pod: resident.identity.pod,
    now: () => now,
  });
  const brokerStatus = async (url: string) => (await broker.agent.fetch(url)).status;

  beforeAll(async () => {
    [resident, broker] = await Promise.all([createActor(server, 'resident'), createActor(server, 'broker')]);
    const home = { area: AREA, dwellingType: 'Flat' as const, timeZone: 'Europe/London', rooms: [] };
    layout = await setUpHomedataPod(resident.agent, resident.identity.pod, home, [], GATEWAY);
    await Promise.all([
      writeTurtle(resident.agent.fetch, layout.summaryDocument('humidity', '2026-01'), turtle),
      writeTurtle(resident.agent.fetch, layout.summaryDocument('temperature', '2026-01'), turtle),
      writeTurtle(
        resident.agent.fetch,
        layout.readingsDocument(new Date('2026-01-01T00:00:00Z'), 'flush'),
        turtle,
      ),
    ]);
    requests.set(
      'damp',
      councilRequest('damp', ['damp.rh70.hours'], new Date(now.getTime() + 90 * 24 * HOUR)),
    );
    requests.set(
      'cold',
      councilRequest('cold', ['temperature.mean'], new Date(now.getTime() + 90 * 24 * HOUR)),
    );
  });

  afterAll(async () => {
    await Promise.all([resident, broker].map((actor) => actor?.agent.logout()));
  });

  it('runs on the system the test means', async () => {
    expect((await discoverAccessControl(resident.agent.fetch, layout.root)).system).toBe(system);
  });

  it('grants the broker Read on the granted summaries and the home profile only', async () => {
    await grantConsent(contextOf(), 'damp');
    expect(await brokerStatus(layout.summaryDocument('humidity', '2026-01'))).toBe(200);
    expect(await brokerStatus(layout.homeProfile)).toBe(200);
    expect(await brokerStatus(layout.consentDocument('damp'))).toBe(200);
    expect(await brokerStatus(layout.summaryDocument('temperature', '2026-01'))).toBe(403);
    expect(await brokerStatus(layout.readingsDocument(new Date('2026-01-01T00:00:00Z'), 'flush'))).toBe(403);
    expect(await brokerStatus(layout.devices)).toBe(403);
  });

  it('a revocation stops the next read before it returns, and keeps what another consent needs', async () => {
    await grantConsent(contextOf(), 'cold');
    expect(await brokerStatus(layout.summaryDocument('temperature', '2026-01'))).toBe(200);
    await revokeConsent(contextOf(), 'cold');
    expect(await brokerStatus(layout.summaryDocument('temperature', '2026-01'))).toBe(403);
    expect(await brokerStatus(layout.consentDocument('cold'))).toBe(403);
    expect(await brokerStatus(layout.summaryDocument('humidity', '2026-01'))).toBe(200);
    expect(await brokerStatus(layout.homeProfile)).toBe(200);
  });

  it('a sweep after expiry takes the grant back, marks the record expired and leaves no grant behind', async () => {
    now = new Date(now.getTime() + 365 * 24 * HOUR);
    const swept = await sweepConsents(contextOf());
    expect(swept.requestIds).toEqual(['damp']);
    for (const url of [
      layout.summaryDocument('humidity', '2026-01'),
      layout.homeProfile,
      layout.consentDocument('damp'),
    ])
      expect(await brokerStatus(url)).toBe(403);
    expect((await readConsentRecord(resident.agent, layout, 'damp'))?.status).toBe('ConsentExpired');
    // The gateway's Append, set up with the pod, is still there.
    const summariesAcl = await discoverAccessControl(resident.agent.fetch, layout.summaries);
    expect(await (await resident.agent.fetch(summariesAcl.url)).text()).toContain(GATEWAY);
    // Nothing that names the broker is left in any access control document a grant touched.
    for (const url of [
      layout.summaries,
      `${layout.summaries}humidity/`,
      `${layout.summaries}temperature/`,
      layout.homeProfile,
      layout.consentDocument('damp'),
      layout.consentDocument('cold'),
    ]) {
      const acl = await resident.agent.fetch((await discoverAccessControl(resident.agent.fetch, url)).url);
      const text = acl.status === 200 ? await acl.text() : '';
      expect(text, url).not.toContain(broker.identity.webId.replace(/#.*/, ''));
    }
  });

  it('the resident page sweeps on sign-in: an expired grant is gone before the answers show', async () => {
    requests.set(
      'late',
      councilRequest('late', ['temperature.mean'], new Date(now.getTime() + 90 * 24 * HOUR)),
    );
    await grantConsent(contextOf(), 'late', { until: new Date(now.getTime() + HOUR) });
    const temperature = layout.summaryDocument('temperature', '2026-01');
    expect(await brokerStatus(temperature)).toBe(200);
    now = new Date(now.getTime() + 2 * HOUR);
    const result = await sweepThenList(contextOf());
    expect(await brokerStatus(temperature)).toBe(403);
    expect(result.swept?.requestIds).toEqual(['late']);
    expect(result.listings.find((listing) => listing.requestId === 'late')).toMatchObject({
      standing: 'expired',
      record: { status: 'ConsentExpired' },
    });
    expect(sweepNotice(result)).toMatch(/^One consent has expired/);
  });
});
