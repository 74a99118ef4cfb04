// A grant that fails and cannot be undone tells the resident what may be left in their pod and how to remove it.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  grantConsent,
  GrantRollbackError,
  readConsentRecord,
  type BrokerClient,
  type PublicRequest,
} from '../../src/consent/index.ts';
import { PodError } from '../../src/errors.ts';
import { setUpHomedataPod } from '../../src/pod/homedata-pod.ts';
import type { PodLayout } from '../../src/pod/pod-layout.ts';
import { readAgentModes } from '../../src/pod/wac.ts';
import { DEFAULT_PURPOSES } from '../../src/broker/config.ts';
import { createActor, type TestActor } from '../helpers/identities.ts';
import { TEST_AREA } from '../broker/request-fixtures.ts';

const BROKER_WEBID = 'https://broker.example/profile/card#me';
const REQUEST: PublicRequest = {
  id: 'req-rollback',
  council: { id: 'c1', name: 'Northbridge Borough Council' },
  title: 'Damp in Northbridge',
  purpose: DEFAULT_PURPOSES[0],
  description: 'Where damp is worst.',
  metrics: ['damp.rh70.hours'],
  areas: [TEST_AREA],
  period: { from: '2026-01-01', to: '2026-01-31' },
  granularity: 'month',
  split: 'none',
  minCohort: 10,
  consentUntil: '2036-12-31T00:00:00.000Z',
  state: 'open',
  dp: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

/** A broker that publishes one request and fails when told of a consent (so the grant must be undone). */
const failingBroker = {
  info: async () => ({ webId: BROKER_WEBID, kFloor: 10, purposes: [...DEFAULT_PURPOSES] }),
  getRequest: async () => REQUEST,
  notifyConsent: async () => {
    throw new PodError('the broker could not read your consent record');
  },
} as unknown as BrokerClient;

describe('a grant whose rollback fails', () => {
  const server = inject('podServer');
  let resident: TestActor;
  let layout: PodLayout;

  beforeAll(async () => {
    resident = await createActor(server, 'rollback');
    layout = await setUpHomedataPod(
      resident.agent,
      resident.identity.pod,
      { area: TEST_AREA, dwellingType: 'Flat', timeZone: 'Europe/London', rooms: [] },
      [],
      'https://gateway.example/profile/card#me',
    );
  });

  afterAll(async () => {
    await resident?.agent.logout();
  });

  it('names the consent record and the broker Read left behind, and how to remove them', async () => {
    // The pod server is real; only the resident's own fetch fails once the clean-up starts (no DELETE, no ACL).
    let cleaningUp = false;
    const flakyFetch: typeof fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      const method = (init?.method ?? 'GET').toUpperCase();
      if (cleaningUp && (method === 'DELETE' || url.endsWith('.acl'))) {
        return Promise.resolve(new Response('no', { status: 503 }));
      }
      return resident.agent.fetch(input, init);
    };
    const broker = {
      ...failingBroker,
      notifyConsent: async () => {
        cleaningUp = true;
        return failingBroker.notifyConsent('', '');
      },
    } as unknown as BrokerClient;
    const context = {
      session: { webId: resident.identity.webId, fetch: flakyFetch },
      broker,
      pod: resident.identity.pod,
    };

    const error = await grantConsent(context, REQUEST.id).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(GrantRollbackError);
    const rollback = error as GrantRollbackError;
    expect(rollback.context).toMatchObject({
      requestId: REQUEST.id,
      record: layout.consentDocument(REQUEST.id),
      leftBehind: ['consent-record', 'broker-read'],
    });
    expect(rollback.message).toContain('could not read your consent record');
    expect(rollback.message).toContain(layout.consentDocument(REQUEST.id));
    expect(rollback.message).toContain(`homedata consent revoke ${REQUEST.id}`);
    expect(rollback.cause).toBeInstanceOf(AggregateError);
    expect((rollback.cause as AggregateError).errors).toHaveLength(3);

    // What the message says is really there.
    const session = { webId: resident.identity.webId, fetch: resident.agent.fetch };
    expect((await readConsentRecord(session, layout, REQUEST.id))?.status).toBe('ConsentGiven');
    const editor = { fetch: resident.agent.fetch, ownerWebId: resident.identity.webId };
    expect(await readAgentModes(editor, layout.homeProfile, BROKER_WEBID)).toContain('Read');
  });

  it('takes back the broker Read even when the record cannot be deleted, and says only the record is left', async () => {
    const requestId = 'req-rollback-record';
    let cleaningUp = false;
    const flakyFetch: typeof fetch = (input, init) => {
      if (cleaningUp && (init?.method ?? 'GET').toUpperCase() === 'DELETE') {
        return Promise.resolve(new Response('no', { status: 503 }));
      }
      return resident.agent.fetch(input, init);
    };
    const broker = {
      ...failingBroker,
      getRequest: async () => ({ ...REQUEST, id: requestId, metrics: ['temperature.mean'] }),
      notifyConsent: async () => {
        cleaningUp = true;
        return failingBroker.notifyConsent('', '');
      },
    } as unknown as BrokerClient;
    const context = {
      session: { webId: resident.identity.webId, fetch: flakyFetch },
      broker,
      pod: resident.identity.pod,
    };
    const error = await grantConsent(context, requestId).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(GrantRollbackError);
    expect((error as GrantRollbackError).context.leftBehind).toEqual(['consent-record']);
    const editor = { fetch: resident.agent.fetch, ownerWebId: resident.identity.webId };
    expect(await readAgentModes(editor, layout.summaryContainer('temperature'), BROKER_WEBID)).not.toContain(
      'Read',
    );
  });
});
