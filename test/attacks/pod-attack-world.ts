// A broker on the test pod server, two hostile loopback servers (one trusted, one not), a council and residents: where pod attacks are tried.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { DataFactory } from 'n3';
import { expect, vi } from 'vitest';
import {
  addCouncil,
  startBroker,
  type BrokerConfigInput,
  type RunningBroker,
} from '../../src/broker/index.ts';
import { BrokerClient, grantConsent, type ConsentContext } from '../../src/consent/index.ts';
import { consentRecordQuads } from '../../src/pod/formats/consent-record.ts';
import { grantTargets } from '../../src/pod/grant-scope.ts';
import { homeProfileTurtle } from '../../src/pod/formats/home-profile.ts';
import { setUpHomedataPod } from '../../src/pod/homedata-pod.ts';
import { PodLayout } from '../../src/pod/pod-layout.ts';
import { patchInsert, writeTurtle } from '../../src/pod/resource-write.ts';
import { serializeTurtle, TERMS } from '../../src/vocab/index.ts';
import { startHostileServer, type HostileServer } from '../helpers/hostile-server.ts';
import { createActor, type TestActor } from '../helpers/identities.ts';
import { pgliteScenarioDatabase } from '../helpers/scenario-databases.ts';
import { TEST_AREA, validRequest } from '../broker/request-fixtures.ts';

const { namedNode, quad } = DataFactory;

/** The per-request deadline the attack broker runs with: short, so that a stalled pod costs seconds. */
export const ATTACK_TIMEOUT_MS = 1_500;

/** A resident with a homedata pod on the real pod server. */
export interface AttackResident extends TestActor {
  layout: PodLayout;
}

/** Everything the attack tests share. */
export interface PodAttackWorld {
  server: string;
  broker: RunningBroker;
  brokerWebId: string;
  /** A server the broker does not trust. */
  untrusted: HostileServer;
  /** A server the operator (for this test) listed in `trust.podServers`: it plays a pod the broker may read. */
  trusted: HostileServer;
  council: { id: string; apiKey: string };
  /** Log lines of the broker, parsed. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** Starts the world: broker with `trust` listing the pod server and the trusted hostile server. */
export async function startPodAttackWorld(server: string): Promise<PodAttackWorld> {
  const [untrusted, trusted, database, brokerActor] = await Promise.all([
    startHostileServer(),
    startHostileServer(),
    pgliteScenarioDatabase('homedata-attacks-'),
    createActor(server, 'broker'),
  ]);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as never);
      done();
    },
  });
  const config: BrokerConfigInput = {
    port: 0,
    issuer: server,
    webId: brokerActor.identity.webId,
    clientId: brokerActor.identity.clientId,
    clientSecret: brokerActor.identity.clientSecret,
    rateLimit: { windowMs: 60_000, max: 10_000 },
    trust: { issuers: [server], podServers: [new URL(server).origin, new URL(trusted.url).origin] },
    podAccess: { requestTimeoutMs: ATTACK_TIMEOUT_MS },
    ...database.config,
  };
  await brokerActor.agent.logout();
  const broker = await startBroker(config, { logger: pino({ level: 'info' }, sink) });
  const council = await addCouncil(broker.db, 'Northbridge Borough Council');
  return {
    server,
    broker,
    brokerWebId: broker.webId,
    untrusted,
    trusted,
    council,
    logs,
    async stop() {
      await broker.stop();
      await Promise.all([untrusted.stop(), trusted.stop()]);
      await database.dispose();
    },
  };
}

/** A resident with an account, pod, homedata layout in `TEST_AREA`, and a humidity summaries document. */
export async function createAttackResident(server: string, role: string): Promise<AttackResident> {
  const actor = await createActor(server, role);
  const home = { area: TEST_AREA, dwellingType: 'Flat' as const, timeZone: 'Europe/London', rooms: [] };
  const layout = await setUpHomedataPod(
    actor.agent,
    actor.identity.pod,
    home,
    [],
    'https://gateway.example/profile/card#me',
  );
  await writeTurtle(
    actor.agent.fetch,
    layout.summaryDocument('humidity', '2026-01'),
    '<#day> <https://homedata.dev/ns#mean> "1.0"^^<http://www.w3.org/2001/XMLSchema#double>.\n',
  );
  return { ...actor, layout };
}

/** Adds `pim:storage <pod>` for each pod to the resident's own WebID profile (the owner may write it). */
export async function listStorages(
  resident: { agent: Pick<TestActor['agent'], 'fetch'>; identity: { webId: string } },
  pods: readonly string[],
): Promise<void> {
  const profile = resident.identity.webId.replace(/#.*$/, '');
  await patchInsert(
    resident.agent.fetch,
    profile,
    pods.map((pod) => quad(namedNode(resident.identity.webId), TERMS.pim.storage, namedNode(pod))),
  );
}

/** Files a damp request (humidity summaries, January 2026) as the world's council; returns its id. */
export async function fileRequest(world: PodAttackWorld, title: string): Promise<string> {
  const response = await fetch(`${world.broker.url}api/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.council.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(validRequest({ title })),
  });
  if (response.status !== 201) throw new Error(`request not filed: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** A resident's consent context for the consent module. */
export function consentContext(world: PodAttackWorld, resident: AttackResident): ConsentContext {
  return {
    session: resident.agent,
    broker: new BrokerClient(world.broker.url, resident.agent.fetch),
    pod: resident.identity.pod,
  };
}

/** Grants a request from the resident's real pod through the consent module (record, ACLs, registration). */
export async function grantFromRealPod(
  world: PodAttackWorld,
  resident: AttackResident,
  requestId: string,
): Promise<void> {
  await grantConsent(consentContext(world, resident), requestId);
}

/**
 * Makes `hostile` serve a pod at `path` (e.g. `/p1/`) that looks right to a registration: a storage root, a valid
 * consent record for `requestId` naming `resident`, and a home profile in `TEST_AREA`. Returns the pod URL.
 */
export function serveHostilePod(
  world: PodAttackWorld,
  hostile: HostileServer,
  path: string,
  resident: TestActor,
  requestId: string,
): PodLayout {
  const layout = new PodLayout(new URL(path, hostile.url).href);
  const document = layout.consentDocument(requestId);
  const record = serializeTurtle(
    consentRecordQuads({
      document,
      requestId,
      status: 'ConsentGiven',
      purpose: validRequest().purpose as string,
      resident: resident.identity.webId,
      answeredAt: new Date(),
      broker: world.brokerWebId,
      targets: grantTargets(layout, validRequest().metrics as never),
      expiresAt: new Date('2036-01-01T00:00:00Z'),
    }),
  );
  const pathOf = (url: string) => new URL(url).pathname;
  hostile.on(path, {
    kind: 'answer',
    status: 200,
    body: '',
    headers: { link: `<${TERMS.pim.Storage.value}>; rel="type"` },
  });
  hostile.on(pathOf(document), { kind: 'answer', status: 200, body: record });
  hostile.on(pathOf(layout.homeProfile), {
    kind: 'answer',
    status: 200,
    body: homeProfileTurtle(layout, {
      area: TEST_AREA,
      dwellingType: 'Flat',
      timeZone: 'Europe/London',
      rooms: [],
    }),
  });
  // The access record of a read, as a pod would take it.
  const month = new Date().toISOString().slice(0, 7);
  hostile.on(`${pathOf(layout.accessLogMonth(month))}*`, { kind: 'answer', status: 201, body: '' });
  return layout;
}

/** POSTs a consent notice for `pod` as the resident; returns status and parsed body. */
export async function registerPod(
  world: PodAttackWorld,
  resident: TestActor,
  requestId: string,
  pod: string,
): Promise<{ status: number; problem: Record<string, unknown> }> {
  const response = await resident.agent.fetch(`${world.broker.url}api/requests/${requestId}/consents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pod }),
  });
  const text = await response.text();
  return { status: response.status, problem: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Runs a request as the council and waits for the run to end; returns its view and its `homes read` log line. */
export async function runRequest(
  world: PodAttackWorld,
  requestId: string,
): Promise<{ state: string; homesRead: Record<string, unknown> | undefined; ms: number }> {
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${world.broker.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${world.council.apiKey}` },
    });
  const started = Date.now();
  const answer = await call(`api/requests/${requestId}/runs`, { method: 'POST' });
  if (answer.status !== 202) throw new Error(`run not started: ${await answer.text()}`);
  const runId = ((await answer.json()) as { id: string }).id;
  const state = await vi.waitFor(
    async () => {
      const view = (await (await call(`api/requests/${requestId}/runs/${runId}`)).json()) as {
        state: string;
      };
      expect(['done', 'failed'], `run ${runId} still ${view.state}`).toContain(view.state);
      return view.state;
    },
    { timeout: 100_000, interval: 100 },
  );
  const homesRead = world.logs.find((line) => line.msg === 'homes read' && line.runId === runId);
  return { state, homesRead, ms: Date.now() - started };
}
