// Attacks by a resident with fake homes (review H1, one dwelling one home): pods the operator never enrolled,
// invented homes beside a real one, a consent moved to another pod, two WebIDs for one pod.
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { addCouncil, startBroker, type RunningBroker } from '../../src/broker/index.ts';
import type { ResultsDocument } from '../../src/broker/contract.ts';
import type { RunView } from '../../src/broker/contract.ts';
import { BrokerClient, grantConsent, type ConsentContext } from '../../src/consent/index.ts';
import { consentRecordQuads } from '../../src/pod/formats/consent-record.ts';
import { HomedataError } from '../../src/errors.ts';
import { createLogger } from '../../src/logging.ts';
import { AccountApi } from '../../src/pod/account-api.ts';
import { grantTargets } from '../../src/pod/grant-scope.ts';
import { setUpHomedataPod } from '../../src/pod/homedata-pod.ts';
import { PodLayout } from '../../src/pod/pod-layout.ts';
import { writeTurtle } from '../../src/pod/resource-write.ts';
import { loginWithClientCredentials, type SolidAgent } from '../../src/pod/solid-session.ts';
import { seededRandomSource } from '../../src/privacy/index.ts';
import { serializeTurtle } from '../../src/vocab/index.ts';
import { seedHomes, type SeededHome } from '../broker/runs/seed-homes.ts';
import { TEST_AREA, validRequest } from '../broker/request-fixtures.ts';
import { enrolTestHomes, TEST_GATEWAY_WEBID } from '../helpers/enrol-homes.ts';
import { createActor, type TestActor } from '../helpers/identities.ts';
import { pgliteScenarioDatabase, type ScenarioDatabase } from '../helpers/scenario-databases.ts';
import { attack } from './attack.ts';
import { listStorages } from './pod-attack-world.ts';

const ATTACKER = 'resident with fake homes';
const METRIC = 'temperature.mean';
const K = 10;

/** A resident of the test pod server who makes extra pods on their own account, all owned by their WebID. */
interface PodMaker {
  webId: string;
  agent: SolidAgent;
  /** Creates pod `<server><name>/` owned by the WebID, with the homedata layout and a home in TEST_AREA. */
  newPod(name: string): Promise<string>;
}

/** Signs up on the pod server (open registration, as in the demo) and keeps the account token for more pods. */
async function podMaker(server: string, name: string): Promise<PodMaker> {
  const api = new AccountApi(server);
  const spec = { email: `${name}@test.example`, password: `pw-${name}-secret`, podName: name };
  const { token, webId, controls } = await api.ensureAccount(spec);
  const { id, secret } = await api.createClientCredentials(token, webId, `homedata-${name}`, controls);
  const agent = await loginWithClientCredentials({
    issuer: api.server,
    clientId: id,
    clientSecret: secret,
  });
  const home = { area: TEST_AREA, dwellingType: 'Flat' as const, timeZone: 'Europe/London', rooms: [] };
  return {
    webId,
    agent,
    async newPod(podName) {
      // CSS makes a pod owned by the WebID given in settings; no operator takes part.
      const response = await fetch(controls.account!.pod!, {
        method: 'POST',
        headers: { authorization: `CSS-Account-Token ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: podName, settings: { webId } }),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      const created = ((await response.json()) as { pod: string }).pod;
      await setUpHomedataPod(agent, created, home, [], TEST_GATEWAY_WEBID);
      return created;
    },
  };
}

describe('attacks by a resident with fake homes', () => {
  const server = inject('podServer');
  const logger = createLogger('fake-homes-test', 'silent');
  /** Every URL the broker fetched, in order: "nothing fetched" is read from here. */
  const fetched: string[] = [];
  let database: ScenarioDatabase;
  let brokerActor: TestActor;
  let broker: RunningBroker;
  let councilKey: string;
  let requestId: string;
  let victim: SeededHome;
  let seeded: SeededHome[];
  let mallory: PodMaker;
  let mallory2: TestActor;
  let summaryText: string;
  const suffix = crypto.randomUUID().slice(0, 6);

  const contextOf = (agent: SolidAgent, pod: string): ConsentContext => ({
    session: agent,
    broker: new BrokerClient(broker.url, agent.fetch),
    pod,
  });
  /** Mallory's pod with the victim's January document copied in: a home whose figures the run would count. */
  const fakeHome = async (name: string) => {
    const pod = await mallory.newPod(`${name}-${suffix}`);
    await writeTurtle(mallory.agent.fetch, `${pod}homedata/summaries/temperature/2026-01.ttl`, summaryText);
    return pod;
  };
  const reads = (pod: string) => fetched.filter((url) => url.startsWith(pod));
  /** Pods of the request's consents that count (given, from an enrolled home). */
  const countedPods = async (request = requestId) =>
    (
      await broker.db.query<{ pod: string }>(
        'SELECT c.pod FROM consents c JOIN enrolled_homes h ON h.pod = c.pod ' +
          "WHERE c.request_id = $1 AND c.state = 'given'",
        [request],
      )
    ).map((row) => row.pod);
  /** Files a request as the council; returns its id. */
  const fileRequest = async (title: string) => {
    const created = await fetch(`${broker.url}api/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${councilKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(validRequest({ title, metrics: [METRIC], minCohort: K })),
    });
    expect(created.status).toBe(201);
    return ((await created.json()) as { id: string }).id;
  };
  /** Runs the request as the council and returns its results. */
  const runResults = async (): Promise<ResultsDocument> => {
    const headers = { authorization: `Bearer ${councilKey}` };
    const started = await fetch(`${broker.url}api/requests/${requestId}/runs`, { method: 'POST', headers });
    expect(started.status, await started.clone().text()).toBe(202);
    const { id } = (await started.json()) as RunView;
    const stateOfRun = async () =>
      (
        (await (
          await fetch(`${broker.url}api/requests/${requestId}/runs/${id}`, { headers })
        ).json()) as RunView
      ).state;
    await expect.poll(stateOfRun, { timeout: 60_000, interval: 100 }).toBe('done');
    const results = await fetch(`${broker.url}api/requests/${requestId}/results?run=${id}`, { headers });
    expect(results.status).toBe(200);
    return (await results.json()) as ResultsDocument;
  };

  beforeAll(async () => {
    [database, brokerActor, seeded, mallory, mallory2] = await Promise.all([
      pgliteScenarioDatabase('homedata-fake-homes-'),
      createActor(server, 'broker'),
      seedHomes(server, [{ homeId: 'home-01', area: TEST_AREA }], { properties: ['temperature'] }),
      podMaker(server, `mallory-${suffix}`),
      createActor(server, 'mallory2'),
    ]);
    victim = seeded[0]!;
    const recording: typeof fetch = (input, init) => {
      fetched.push(input instanceof Request ? input.url : String(input));
      return brokerActor.agent.fetch(input, init);
    };
    broker = await startBroker(
      {
        port: 0,
        issuer: server,
        webId: brokerActor.identity.webId,
        clientId: brokerActor.identity.clientId,
        clientSecret: brokerActor.identity.clientSecret,
        rateLimit: { windowMs: 60_000, max: 100_000 },
        ...database.config,
      },
      {
        logger,
        random: seededRandomSource(11),
        agent: { webId: brokerActor.identity.webId, fetch: recording },
      },
    );
    councilKey = (await addCouncil(broker.db, 'Northbridge Borough Council')).apiKey;
    requestId = await fileRequest('Cold homes');
    summaryText = await (
      await victim.agent.fetch(victim.layout.summaryDocument('temperature', '2026-01'))
    ).text();
    // The operator enrolled the victim's dwelling; the victim consents.
    await enrolTestHomes(broker.db, [{ pod: victim.identity.pod }]);
    await grantConsent(contextOf(victim.agent, victim.identity.pod), requestId);
  }, 600_000);

  afterAll(async () => {
    await broker?.stop();
    await Promise.all([brokerActor, victim, mallory2, mallory].map((actor) => actor?.agent.logout()));
    await database?.dispose();
  });

  attack(
    {
      id: 'H1',
      attacker: ATTACKER,
      tried: 'register a consent for a second pod they made on the pod server, never enrolled',
      expected: '403 home-not-enrolled; the broker fetches nothing from that pod; not counted',
    },
    async () => {
      const pod = await fakeHome('second');
      const before = fetched.length;
      // Mallory does everything a resident does: record written, broker granted, broker told.
      await expect(grantConsent(contextOf(mallory.agent, pod), requestId)).rejects.toThrow(
        /not an enrolled home/,
      );
      const answer = await mallory.agent.fetch(`${broker.url}api/requests/${requestId}/consents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pod }),
      });
      expect(answer.status).toBe(403);
      expect(await answer.json()).toMatchObject({
        type: 'https://homedata.dev/problems/home-not-enrolled',
        detail: expect.stringContaining('homedata home enrol'),
      });
      expect(reads(pod)).toEqual([]);
      expect(fetched.length).toBe(before);
      expect(await countedPods()).not.toContain(pod);
    },
    300_000,
  );

  attack(
    {
      id: 'H1',
      attacker: ATTACKER,
      tried: `add k−1 = ${K - 1} invented homes beside one real home to read its value from the mean`,
      expected: 'every invented home refused; the cell stays suppressed',
    },
    async () => {
      const pods: string[] = [];
      for (let index = 0; index < K - 1; index++) pods.push(await fakeHome(`fake${index}`));
      const refused = await Promise.allSettled(
        pods.map((pod) => grantConsent(contextOf(mallory.agent, pod), requestId)),
      );
      expect(refused.map((outcome) => outcome.status)).toEqual(pods.map(() => 'rejected'));
      for (const pod of pods) expect(reads(pod)).toEqual([]);
      expect(await countedPods()).toEqual([victim.identity.pod]);

      const results = await runResults();
      const cell = results.cells.find(
        (candidate) => candidate.metric === METRIC && candidate.area === TEST_AREA,
      );
      expect(cell).toMatchObject({ suppressed: true, mean: null, homes: null });
      for (const pod of pods) expect(reads(pod)).toEqual([]);
    },
    600_000,
  );

  attack(
    {
      id: 'H1',
      attacker: ATTACKER,
      tried: 'move their consent from one enrolled pod to another without a new consent',
      expected: '409 consent-pod-change; the consent still names the first pod',
    },
    async () => {
      const [first, second] = [await fakeHome('flat-a'), await fakeHome('flat-b')];
      // Say the operator enrolled both (a landlord's two flats): each is a real dwelling.
      await enrolTestHomes(broker.db, [{ pod: first }, { pod: second }]);
      // And her WebID profile names both as her storages (she may write her own profile; the binding accepts
      // any storage the profile lists), so enrolment and binding pass and the pod-change rule is what refuses.
      await listStorages({ agent: mallory.agent, identity: { webId: mallory.webId } }, [first, second]);
      await grantConsent(contextOf(mallory.agent, first), requestId);
      const moved = await grantConsent(contextOf(mallory.agent, second), requestId).catch(
        (error: unknown) => error,
      );
      expect(moved).toBeInstanceOf(HomedataError);
      expect(moved).toMatchObject({ problem: 'consent-pod-change', status: 409 });
      const rows = await broker.db.query<{ pod: string }>(
        'SELECT pod FROM consents WHERE request_id = $1 AND resident_webid = $2',
        [requestId, mallory.webId],
      );
      expect(rows.map((row) => row.pod)).toEqual([first]);
    },
    300_000,
  );

  attack(
    {
      id: 'H1',
      attacker: ATTACKER,
      tried: 'have a second WebID consent for the same enrolled pod, also by an alias URL',
      expected:
        '403 (not a storage of that WebID); colluding, 409 home-already-counted; the dwelling counts once',
    },
    async () => {
      // A request of its own: Mallory's WebID already answered the first one for another pod.
      const request = await fileRequest('Warm homes');
      const pod = await fakeHome('shared');
      await enrolTestHomes(broker.db, [{ pod }]);
      await listStorages({ agent: mallory.agent, identity: { webId: mallory.webId } }, [pod]);
      await grantConsent(contextOf(mallory.agent, pod), request);
      const alias = pod.replace(/^http:\/\/localhost/, 'HTTP://LOCALHOST');
      const notify = async (named: string) => {
        const answer = await mallory2.agent.fetch(`${broker.url}api/requests/${request}/consents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ pod: named }),
        });
        return {
          status: answer.status,
          problem: (await answer.json()) as { type?: string; detail?: string },
        };
      };
      // A second WebID names the same pod, as written and in another spelling: its profile does not list the pod.
      for (const named of [pod, alias]) {
        expect(await notify(named)).toMatchObject({
          status: 403,
          problem: { detail: 'The pod is not a storage your WebID profile names as yours' },
        });
      }
      // Colluding: the second WebID lists the pod in its own profile, and Mallory rewrites the pod's consent
      // record to name it, so binding and record check pass; the one-home-one-answer rule is what refuses it.
      await listStorages(mallory2, [pod]);
      const layout = new PodLayout(pod);
      await writeTurtle(
        mallory.agent.fetch,
        layout.consentDocument(request),
        serializeTurtle(
          consentRecordQuads({
            document: layout.consentDocument(request),
            requestId: request,
            status: 'ConsentGiven',
            purpose: validRequest().purpose as string,
            resident: mallory2.identity.webId,
            answeredAt: new Date(),
            broker: broker.webId,
            targets: grantTargets(layout, [METRIC]),
            expiresAt: new Date('2036-01-01T00:00:00Z'),
          }),
        ),
      );
      for (const named of [pod, alias]) {
        expect(await notify(named)).toMatchObject({
          status: 409,
          problem: { type: 'https://homedata.dev/problems/home-already-counted' },
        });
      }
      // One home, at most one answer: the first WebID's consent, or none once the broker has heard (through its
      // webhook on the record) that the pod's record no longer names that resident and withdrawn it.
      expect([[pod], []]).toContainEqual(await countedPods(request));
      const rows = await broker.db.query('SELECT 1 FROM consents WHERE request_id = $1', [request]);
      expect(rows).toHaveLength(1);
    },
    300_000,
  );
});
