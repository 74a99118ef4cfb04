// The broker and consent acceptance scenarios of issue 4, written once and run against PGlite and PostgreSQL.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import {
  addCouncil,
  AuditedPodReader,
  DEFAULT_PURPOSES,
  DEFAULT_POD_ACCESS,
  countAuditRows,
  loadAuditKey,
  listActiveConsents,
  openBrokerDatabase,
  startBroker,
  verifyAuditLog,
  type BrokerConfigInput,
  type Database,
  type RunningBroker,
} from '../../src/broker/index.ts';
import { runAuditVerify, runCouncilAdd } from '../../src/cli/broker-commands.ts';
import { registerConsentCommands } from '../../src/cli/consent-commands.ts';
import {
  BrokerClient,
  grantConsent,
  listConsents,
  readConsentRecord,
  refuseConsent,
  revokeConsent,
  sweepConsents,
  type ConsentContext,
} from '../../src/consent/index.ts';
import { exitCodeFor, ForbiddenError } from '../../src/errors.ts';
import { createLogger } from '../../src/logging.ts';
import { AccountApi } from '../../src/pod/account-api.ts';
import { setUpHomedataPod } from '../../src/pod/homedata-pod.ts';
import { PodLayout } from '../../src/pod/pod-layout.ts';
import { readTurtle } from '../../src/pod/resource-read.ts';
import { writeTurtle } from '../../src/pod/resource-write.ts';
import { loginWithClientCredentials } from '../../src/pod/solid-session.ts';
import { assertValid, TERMS } from '../../src/vocab/index.ts';
import { enrolTestHomes } from '../helpers/enrol-homes.ts';
import { createActor, type TestActor } from '../helpers/identities.ts';
import type { ScenarioDatabase } from '../helpers/scenario-databases.ts';
import { TEST_AREA, validRequest } from './request-fixtures.ts';

/** A resident with a known password (the manifest login path needs it) and a homedata pod. */
interface TestResident extends TestActor {
  password: string;
  layout: PodLayout;
}

const HOUR = 60 * 60 * 1000;
const summaryTurtle =
  '<#day> <https://homedata.dev/ns#mean> "1.0"^^<http://www.w3.org/2001/XMLSchema#double>.\n';

/** Creates a resident whose pod has the homedata layout, a home in `area`, and a few documents to be read. */
async function createResident(server: string, role: string, area: string): Promise<TestResident> {
  const name = `${role}-${crypto.randomUUID().slice(0, 8)}`;
  const password = `pw-${name}-secret`;
  const identity = await new AccountApi(server).provision({
    email: `${name}@test.example`,
    password,
    podName: name,
  });
  const agent = await loginWithClientCredentials(identity);
  const home = { area, dwellingType: 'Flat' as const, timeZone: 'Europe/London', rooms: [] };
  const layout = await setUpHomedataPod(
    agent,
    identity.pod,
    home,
    [],
    'https://gateway.example/profile/card#me',
  );
  await Promise.all([
    writeTurtle(agent.fetch, layout.summaryDocument('humidity', '2026-01'), summaryTurtle),
    writeTurtle(agent.fetch, layout.summaryDocument('temperature', '2026-01'), summaryTurtle),
    writeTurtle(
      agent.fetch,
      layout.readingsDocument(new Date('2026-01-01T00:00:00Z'), 'flush'),
      summaryTurtle,
    ),
  ]);
  return { identity, agent, password, layout };
}

/** Asserts a response is an RFC 9457 problem with the given status, and returns it. */
async function expectProblem(response: Response, status: number): Promise<Record<string, unknown>> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(text) as Record<string, unknown>;
  expect(problem).toMatchObject({
    type: expect.stringMatching(/^https:\/\//),
    title: expect.any(String),
    status,
  });
  expect(problem.detail).toEqual(expect.any(String));
  return problem;
}

/** Runs every acceptance scenario of issue 4 against one kind of database. */
export function describeBrokerScenarios(kind: string, makeDatabase: () => Promise<ScenarioDatabase>): void {
  describe(`broker and consent (${kind})`, () => {
    const server = inject('podServer');
    const logger = createLogger('broker-test', 'silent');
    let database: ScenarioDatabase;
    let dir: string;
    let configPath: string;
    let config: BrokerConfigInput;
    let brokerActor: TestActor;
    let alice: TestResident;
    let bob: TestResident;
    let broker: RunningBroker;
    let now = new Date();
    const clock = () => now;
    let northbridge: { id: string; apiKey: string };
    let eastvale: { id: string; apiKey: string };
    let dampRequest: string;
    let coldRequest: string;
    let auditKey: Buffer;

    const api = (path: string, init: RequestInit = {}) => fetch(`${broker.url}${path}`, init);
    const asCouncil = (key: string, path: string, init: RequestInit = {}) =>
      api(path, { ...init, headers: { authorization: `Bearer ${key}`, ...init.headers } });
    const postJson = (key: string, path: string, body: unknown) =>
      asCouncil(key, path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const contextOf = (resident: TestResident, withPod = true): ConsentContext => ({
      session: resident.agent,
      broker: new BrokerClient(broker.url, resident.agent.fetch),
      pod: withPod ? resident.identity.pod : undefined,
      now: clock,
    });
    /** What the broker's own WebID gets from a pod, straight from the pod server. */
    const brokerStatus = async (url: string) => (await brokerActor.agent.fetch(url)).status;
    const readerOf = (db: Database) =>
      new AuditedPodReader({
        db,
        fetch: brokerActor.agent.fetch,
        brokerWebId: brokerActor.identity.webId,
        auditKey,
        clock,
        logger,
        trust: { podOrigins: new Set([new URL(server).origin]), allowPrivateNetwork: false },
        limits: DEFAULT_POD_ACCESS,
      });
    const state = async (db: Database) => ({
      requests: await db.query('SELECT id, title FROM requests ORDER BY id'),
      consents: await db.query(
        'SELECT request_id, resident_webid, state FROM consents ORDER BY request_id, resident_webid',
      ),
      audit: await db.query('SELECT seq, row_hash FROM audit_log ORDER BY seq'),
      councils: await db.query('SELECT id FROM councils ORDER BY id'),
    });

    beforeAll(async () => {
      [database, dir, brokerActor, alice, bob] = await Promise.all([
        makeDatabase(),
        mkdtemp(join(tmpdir(), 'homedata-broker-')),
        createActor(server, 'broker'),
        createResident(server, 'alice', TEST_AREA),
        createResident(server, 'bob', TEST_AREA),
      ]);
      config = {
        port: 0,
        issuer: server,
        webId: brokerActor.identity.webId,
        clientId: brokerActor.identity.clientId,
        clientSecret: brokerActor.identity.clientSecret,
        rateLimit: { windowMs: 60_000, max: 10_000 },
        auditKeyFile: join(dir, 'keys', 'broker-audit.key'),
        ...database.config,
      };
      configPath = join(dir, 'broker.json');
      await writeFile(configPath, JSON.stringify(config));
      broker = await startBroker(config, { logger, clock });
      await enrolTestHomes(broker.db, [{ pod: alice.identity.pod }, { pod: bob.identity.pod }]);
      auditKey = await loadAuditKey(join(dir, 'keys', 'broker-audit.key'), { create: false });
      northbridge = await addCouncil(broker.db, 'Northbridge Borough Council');
      eastvale = await addCouncil(broker.db, 'Eastvale District Council');
    });

    afterAll(async () => {
      await broker?.stop();
      await Promise.all([brokerActor, alice, bob].map((actor) => actor?.agent.logout()));
      await database?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("publishes a council's request to anyone, with nothing about residents", async () => {
      const created = await postJson(northbridge.apiKey, 'api/requests', validRequest());
      expect(created.status).toBe(201);
      dampRequest = ((await created.json()) as { id: string }).id;
      const cold = await postJson(
        northbridge.apiKey,
        'api/requests',
        validRequest({ title: 'Cold homes', metrics: ['temperature.mean'], purpose: DEFAULT_PURPOSES[1] }),
      );
      expect(cold.status).toBe(201);
      coldRequest = ((await cold.json()) as { id: string }).id;

      const list = (await (await api('api/requests')).json()) as { requests: Record<string, unknown>[] };
      expect(list.requests.map((request) => request.id)).toEqual(
        expect.arrayContaining([dampRequest, coldRequest]),
      );
      expect(list.requests.find((request) => request.id === dampRequest)).toMatchObject({
        council: { name: 'Northbridge Borough Council' },
        purpose: validRequest().purpose,
        consentUntil: '2037-01-01T00:00:00.000Z',
        state: 'open',
      });
      const openApi = (await (await api('api/openapi.json')).json()) as { openapi: string; paths: object };
      expect(openApi.openapi).toBe('3.1.0');
      expect(Object.keys(openApi.paths)).toContain('/api/requests/{id}/consents');
      expect((await api('health')).status).toBe(200);
    });

    it('answers bad input on every route with problem details and changes nothing', async () => {
      const before = await state(broker.db);
      const key = northbridge.apiKey;
      const bad = async (body: unknown, field: string) => {
        const problem = await expectProblem(await postJson(key, 'api/requests', body), 422);
        expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      };
      await bad(validRequest({ title: 7 }), 'title');
      await bad(validRequest({ metrics: ['damp.rh70.hours', 'mould.spores'] }), 'metrics.1');
      await bad(validRequest({ purpose: 'https://w3id.org/dpv#Marketing' }), 'purpose');
      await bad(validRequest({ minCohort: 3 }), 'minCohort');
      await bad(validRequest({ period: { from: '2026-02-01', to: '2026-01-01' } }), 'period.to');
      await bad(validRequest({ consentUntil: '2020-01-01' }), 'consentUntil');
      await bad(validRequest({ residents: ['x'] }), 'residents');
      await bad([], 'body');
      await expectProblem(
        await postJson(key, 'api/requests', validRequest({ description: 'x'.repeat(70_000) })),
        413,
      );
      await expectProblem(
        await asCouncil(key, 'api/requests', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"title":',
        }),
        400,
      );
      await expectProblem(await asCouncil(key, 'api/requests', { method: 'POST', body: 'title=x' }), 415);
      const anonymous = await api('api/requests', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(validRequest()),
      });
      await expectProblem(anonymous, 401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
      await expectProblem(await postJson('hdk_not-a-key', 'api/requests', validRequest()), 401);
      await expectProblem(await api('api/requests/not-a-uuid'), 404);
      await expectProblem(await api(`api/requests/${crypto.randomUUID()}`), 404);
      await expectProblem(await api('api/council/requests'), 401);
      await expectProblem(await asCouncil(eastvale.apiKey, `api/council/requests/${dampRequest}`), 403);
      await expectProblem(await api('api/nothing-here'), 404);

      const consents = `api/requests/${dampRequest}/consents`;
      const podBody = JSON.stringify({ pod: alice.identity.pod });
      const json = { 'content-type': 'application/json' };
      const noToken = await api(consents, { method: 'POST', headers: json, body: podBody });
      await expectProblem(noToken, 401);
      expect(noToken.headers.get('www-authenticate')).toMatch(/^DPoP/);
      await expectProblem(
        await api(consents, {
          method: 'POST',
          headers: { ...json, authorization: 'DPoP forged.token.here', dpop: 'forged.proof' },
          body: podBody,
        }),
        401,
      );
      await expectProblem(
        await asCouncil(key, consents, { method: 'POST', headers: json, body: podBody }),
        401,
      );
      await expectProblem(
        await api(`${consents}/me`, { method: 'DELETE', headers: { authorization: 'DPoP x', dpop: 'y' } }),
        401,
      );
      await expectProblem(await api('api/residents/me/consents'), 401);
      const asAlice = (body: unknown, path = consents) =>
        alice.agent.fetch(`${broker.url}${path}`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify(body),
        });
      await expectProblem(await asAlice({ pod: 5 }), 422);
      await expectProblem(await asAlice({ pod: 'ftp://pods.example/alice/' }), 422);
      await expectProblem(await asAlice({ pod: alice.identity.pod, webId: 'x' }), 422);
      await expectProblem(
        await asAlice({ pod: alice.identity.pod }, `api/requests/${crypto.randomUUID()}/consents`),
        404,
      );
      // No record in the pod yet (and no grant): the broker cannot read one, so nothing is counted.
      await expectProblem(await asAlice({ pod: alice.identity.pod }), 409);

      const after = await state(broker.db);
      expect({ ...after, audit: after.audit.length }).toEqual({ ...before, audit: before.audit.length + 1 });
      expect(after.audit.slice(0, before.audit.length)).toEqual(before.audit);
    });

    it('lets the broker read nothing before a grant', async () => {
      expect(await brokerStatus(alice.layout.summaryDocument('humidity', '2026-01'))).toBe(403);
      expect(await brokerStatus(alice.layout.homeProfile)).toBe(403);
      expect(await brokerStatus(alice.layout.consentDocument(dampRequest))).toBe(403);
    });

    it('after a grant lets the broker read the granted summaries and home profile only', async () => {
      await refuseConsent(contextOf(alice), coldRequest);
      const outcome = await grantConsent(contextOf(alice, false), dampRequest);
      expect(outcome.readable).toEqual([alice.layout.summaryContainer('humidity'), alice.layout.homeProfile]);

      expect(await brokerStatus(alice.layout.summaryContainer('humidity'))).toBe(200);
      expect(await brokerStatus(alice.layout.summaryDocument('humidity', '2026-01'))).toBe(200);
      expect(await brokerStatus(alice.layout.homeProfile)).toBe(200);
      expect(await brokerStatus(alice.layout.consentDocument(dampRequest))).toBe(200);
      expect(
        await brokerStatus(alice.layout.readingsDocument(new Date('2026-01-01T00:00:00Z'), 'flush')),
      ).toBe(403);
      expect(await brokerStatus(alice.layout.readings)).toBe(403);
      expect(await brokerStatus(alice.layout.summaryDocument('temperature', '2026-01'))).toBe(403);
      expect(await brokerStatus(alice.layout.consentDocument(coldRequest))).toBe(403);
      expect(await brokerStatus(alice.layout.consents)).toBe(403);
      expect(await brokerStatus(bob.layout.consents)).toBe(403);
      expect(await brokerStatus(bob.layout.summaryDocument('humidity', '2026-01'))).toBe(403);

      const record = await readTurtle(alice.agent.fetch, alice.layout.consentDocument(dampRequest));
      await assertValid(record!.store, { source: 'consent record' });
      expect(await new BrokerClient(broker.url, alice.agent.fetch).myConsents()).toEqual([
        expect.objectContaining({ requestId: dampRequest, state: 'given' }),
      ]);
      const listing = await listConsents(contextOf(alice));
      expect(listing.find((line) => line.requestId === dampRequest)?.standing).toBe('given');
      expect(listing.find((line) => line.requestId === coldRequest)?.standing).toBe('refused');
    });

    it('shows a council its progress as "fewer than k", never who consented', async () => {
      const own = await asCouncil(northbridge.apiKey, `api/council/requests/${dampRequest}`);
      const text = await own.text();
      expect(JSON.parse(text).consents).toEqual({ k: 10, atLeastK: false, count: null });
      const publicText = await (await api(`api/requests/${dampRequest}`)).text();
      const listText = await (await asCouncil(northbridge.apiKey, 'api/council/requests')).text();
      for (const body of [text, publicText, listText]) {
        expect(body).not.toContain(alice.identity.webId);
        expect(body).not.toContain(alice.identity.pod);
      }
      await expectProblem(await asCouncil(northbridge.apiKey, `api/requests/${dampRequest}/consents`), 404);
      const other = (await (await asCouncil(eastvale.apiKey, 'api/council/requests')).json()) as {
        requests: unknown[];
      };
      expect(other.requests).toEqual([]);
    });

    it('gives another WebID nothing of the resident and no way to speak for them', async () => {
      expect((await bob.agent.fetch(alice.layout.summaryDocument('humidity', '2026-01'))).status).toBe(403);
      expect((await bob.agent.fetch(alice.layout.consentDocument(dampRequest))).status).toBe(403);
      // Bob names Alice's pod: it is not a storage of his WebID, so the broker refuses before reading anything of it.
      const auditBefore = await countAuditRows(broker.db, dampRequest);
      const claim = await bob.agent.fetch(`${broker.url}api/requests/${dampRequest}/consents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pod: alice.identity.pod }),
      });
      expect(claim.status).toBe(403);
      expect(await countAuditRows(broker.db, dampRequest)).toBe(auditBefore);
      const withdraw = await bob.agent.fetch(`${broker.url}api/requests/${dampRequest}/consents/me`, {
        method: 'DELETE',
      });
      expect(withdraw.status).toBe(204);
      expect(await listActiveConsents(broker.db, dampRequest, now)).toHaveLength(1);
      expect(await new BrokerClient(broker.url, bob.agent.fetch).myConsents()).toEqual([]);
    });

    it('audits every read and lists it in the resident’s access log', async () => {
      const reader = readerOf(broker.db);
      const [consent] = await listActiveConsents(broker.db, dampRequest, now);
      const before = await countAuditRows(broker.db, dampRequest);
      const documents = await reader.readUnderConsent(consent!, [
        alice.layout.summaryDocument('humidity', '2026-01'),
        alice.layout.homeProfile,
      ]);
      expect(documents.map((document) => document.status)).toEqual([200, 200]);
      expect(await countAuditRows(broker.db, dampRequest)).toBe(before + 2);
      await expect(
        reader.readUnderConsent(consent!, [
          alice.layout.readingsDocument(new Date('2026-01-01T00:00:00Z'), 'flush'),
        ]),
      ).rejects.toThrow(ForbiddenError);
      expect(await countAuditRows(broker.db, dampRequest)).toBe(before + 2);

      // One document per batch of reads in the month's container.
      const month = alice.layout.accessLogMonth(now.toISOString().slice(0, 7));
      const listing = await readTurtle(alice.agent.fetch, month);
      const used: string[] = [];
      const requests = new Set<string>();
      for (const record of listing!.store.getObjects(month, TERMS.ldp.contains, null)) {
        const log = await readTurtle(alice.agent.fetch, record.value);
        await assertValid(log!.store, { source: 'access record' });
        expect(log!.store.countQuads(null, TERMS.rdf.type, TERMS.hd.AccessRecord, null)).toBe(1);
        used.push(...log!.store.getQuads(null, TERMS.prov.used, null, null).map((quad) => quad.object.value));
        for (const term of log!.store.getObjects(null, TERMS.hd.underRequest, null)) requests.add(term.value);
      }
      // Every successful read of Alice's pod (Bob's claim to her pod above read nothing).
      const audited = await broker.db.query<{ resource: string }>(
        'SELECT resource FROM audit_log WHERE starts_with(resource, $1) AND status = 200',
        [alice.identity.pod],
      );
      expect(used.sort()).toEqual(audited.map((row) => row.resource).sort());
      expect(used).toContain(alice.layout.summaryDocument('humidity', '2026-01'));
      expect(requests).toEqual(new Set([dampRequest]));
    });

    it('treats an expired consent as absent while its ACL is still there, and sweep removes the ACL', async () => {
      const coldTemperature = alice.layout.summaryDocument('temperature', '2026-01');
      await grantConsent(contextOf(alice), coldRequest, { until: new Date(now.getTime() + HOUR) });
      expect(await listActiveConsents(broker.db, coldRequest, now)).toHaveLength(1);
      const [consent] = await listActiveConsents(broker.db, coldRequest, now);

      const realNow = now;
      now = new Date(realNow.getTime() + 2 * HOUR);
      expect(await listActiveConsents(broker.db, coldRequest, now)).toEqual([]);
      await expect(readerOf(broker.db).readUnderConsent(consent!, [coldTemperature])).rejects.toThrow(
        ForbiddenError,
      );
      expect(
        (await new BrokerClient(broker.url, alice.agent.fetch).myConsents()).find(
          (c) => c.requestId === coldRequest,
        )?.state,
      ).toBe('expired');
      expect(await brokerStatus(coldTemperature)).toBe(200);

      const swept = await sweepConsents(contextOf(alice));
      expect(swept.requestIds).toEqual([coldRequest]);
      expect(await brokerStatus(coldTemperature)).toBe(403);
      expect(await brokerStatus(alice.layout.consentDocument(coldRequest))).toBe(403);
      // The damp consent is still active and still needs the humidity summaries and the home profile.
      expect(await brokerStatus(alice.layout.summaryDocument('humidity', '2026-01'))).toBe(200);
      expect(await brokerStatus(alice.layout.homeProfile)).toBe(200);
      const record = await readConsentRecord(alice.agent, alice.layout, coldRequest);
      expect(record?.status).toBe('ConsentExpired');
      await assertValid((await readTurtle(alice.agent.fetch, record!.document))!.store);
      now = realNow;
    });

    it('acts for a resident from the command line, by manifest or by client credentials', async () => {
      const manifest = {
        podServer: server,
        broker: broker.url,
        residents: [
          {
            email: alice.identity.email,
            password: alice.password,
            webId: alice.identity.webId,
            pod: alice.identity.pod,
            area: TEST_AREA,
          },
        ],
        gateways: [],
        brokerWebId: brokerActor.identity.webId,
        councils: [],
      };
      const manifestPath = join(dir, 'demo.json');
      await writeFile(manifestPath, JSON.stringify(manifest));
      const output: string[] = [];
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        output.push(String(chunk));
        return true;
      });
      try {
        const run = (args: string[]) => {
          const program = new Command().exitOverride();
          registerConsentCommands(program);
          return program.parseAsync(['node', 'homedata', ...args]);
        };
        await run(['consent', 'list', '--manifest', manifestPath, '--resident', '1']);
        const { identity } = bob;
        await run([
          'consent',
          'list',
          '--issuer',
          identity.issuer,
          '--client-id',
          identity.clientId,
          '--client-secret',
          identity.clientSecret,
          '--broker',
          broker.url,
          '--pod',
          identity.pod,
        ]);
        await expect(run(['consent', 'list', '--manifest', manifestPath, '--resident', '2'])).rejects.toThrow(
          /--resident/,
        );
      } finally {
        spy.mockRestore();
      }
      const [aliceList, bobList] = output;
      expect(aliceList).toMatch(new RegExp(`${dampRequest}\\s+given`));
      expect(aliceList).toMatch(new RegExp(`${coldRequest}\\s+expired`));
      expect(bobList).toMatch(new RegExp(`${dampRequest}\\s+unanswered`));
    });

    it('revokes before the command returns: the next read is refused', async () => {
      const outcome = await revokeConsent(contextOf(alice), dampRequest);
      expect(outcome.removed.sort()).toEqual(
        [
          alice.layout.summaryContainer('humidity'),
          alice.layout.homeProfile,
          alice.layout.consentDocument(dampRequest),
        ].sort(),
      );
      expect(await brokerStatus(alice.layout.summaryDocument('humidity', '2026-01'))).toBe(403);
      expect(await brokerStatus(alice.layout.homeProfile)).toBe(403);
      expect(await listActiveConsents(broker.db, dampRequest, now)).toEqual([]);
      const record = await readConsentRecord(alice.agent, alice.layout, dampRequest);
      expect(record).toMatchObject({ status: 'ConsentWithdrawn', withdrawnAt: expect.any(Date) });
      await assertValid((await readTurtle(alice.agent.fetch, record!.document))!.store);
      // Revoking again is harmless.
      await revokeConsent(contextOf(alice), dampRequest);
    });

    it('loses no request, consent or audit row over a restart', async () => {
      const before = await state(broker.db);
      expect(before.requests).toHaveLength(2);
      expect(before.consents).toHaveLength(2);
      expect(before.audit.length).toBeGreaterThan(4);
      await broker.stop();
      broker = await startBroker(config, { logger, clock });
      expect(await state(broker.db)).toEqual(before);
      const list = (await (await api('api/requests')).json()) as { requests: { id: string }[] };
      expect(list.requests.map((request) => request.id).sort()).toEqual([dampRequest, coldRequest].sort());
      expect(await verifyAuditLog(broker.db, auditKey)).toEqual({
        intact: true,
        rows: before.audit.length,
        prunedThrough: 0,
      });
    });

    it('adds councils and checks the audit chain from the command line, with the broker stopped', async () => {
      await broker.stop();
      const output: string[] = [];
      await runCouncilAdd('Westmoor Council', { config: configPath, json: true }, (text) =>
        output.push(text),
      );
      expect(JSON.parse(output[0]!)).toMatchObject({
        name: 'Westmoor Council',
        apiKey: expect.stringMatching(/^hdk_/),
      });
      await runAuditVerify({ config: configPath }, (text) => output.push(text));
      expect(output[1]).toMatch(/^Audit log intact/);
    });

    it('names the edited row when one audit row is changed', async () => {
      const db = await openBrokerDatabase(database.target);
      try {
        await expect(db.query('UPDATE audit_log SET status = 404 WHERE seq = 2')).rejects.toThrow(
          /append-only/,
        );
        await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
        await db.query("UPDATE audit_log SET resource = resource || '-edited' WHERE seq = 2");
        await db.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      } finally {
        await db.close();
      }
      const failure = await runAuditVerify({ config: configPath }, () => undefined).catch(
        (error: unknown) => error,
      );
      expect(String(failure)).toMatch(/row 2\b.*edited/);
      expect(exitCodeFor(failure)).not.toBe(0);
    });
  });
}
