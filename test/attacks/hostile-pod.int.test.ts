// Attacks by a hostile pod server: untrusted origins, redirects into another resident's pod, tarpits, huge documents, 401 storms.
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { loginWithClientCredentials } from '../../src/pod/solid-session.ts';
import { TERMS } from '../../src/vocab/index.ts';
import { enrolTestHomes } from '../helpers/enrol-homes.ts';
import { attack } from './attack.ts';
import {
  ATTACK_TIMEOUT_MS,
  createAttackResident,
  fileRequest,
  grantFromRealPod,
  listStorages,
  registerPod,
  runRequest,
  serveHostilePod,
  startPodAttackWorld,
  type AttackResident,
  type PodAttackWorld,
} from './pod-attack-world.ts';

const attacker = 'hostile pod server';
const UNREADABLE_RECORD =
  'The broker could not read your consent record: check that it is in your pod and that you granted the broker Read, then tell the broker again';

describe('hostile pod server', () => {
  const server = inject('podServer');
  let world: PodAttackWorld;
  let mallory: AttackResident;
  let victim: AttackResident;

  beforeAll(async () => {
    world = await startPodAttackWorld(server);
    [mallory, victim] = await Promise.all([
      createAttackResident(server, 'mallory'),
      createAttackResident(server, 'victim'),
    ]);
    // Mallory's profile names her pods on both hostile servers as hers: the binding to a WebID alone cannot stop
    // them, only the operator's trust list (and, for a trusted server, the read rules) can.
    const hostilePods = [
      ...['/p1/', '/p2/', '/p3/', '/p4/', '/p5/', '/p6/', '/p7/'].map(
        (path) => new URL(path, world.trusted.url).href,
      ),
      new URL('/evil/', world.untrusted.url).href,
    ];
    await listStorages(mallory, [mallory.identity.pod, ...hostilePods]);
    // The operator enrolled every one of these pods as a home (the untrusted one too): the enrolment check passes,
    // so each attack meets the rule it is about (the trust list, the read rules), not the home register.
    await enrolTestHomes(world.broker.db, [
      { pod: mallory.identity.pod },
      { pod: victim.identity.pod },
      ...hostilePods.map((pod) => ({ pod })),
    ]);
  });

  afterAll(async () => {
    await world?.stop();
    await Promise.all([mallory, victim].map((resident) => resident?.agent.logout()));
  });

  attack(
    {
      id: 'H1/M1',
      attacker,
      tried: 'register a consent naming a pod on a server the broker does not trust',
      expected: 'refused with a problem naming the rule; the server gets no request at all',
    },
    async () => {
      const requestId = await fileRequest(world, 'Untrusted pod');
      serveHostilePod(world, world.untrusted, '/evil/', mallory, requestId);
      const { status, problem } = await registerPod(
        world,
        mallory,
        requestId,
        new URL('/evil/', world.untrusted.url).href,
      );
      // The pod is enrolled (see beforeAll), so it is the trust rule that refuses it, before any request to it.
      expect(status).toBe(403);
      expect(problem.detail).toBe('The pod is not on a pod server this broker trusts');
      expect(world.untrusted.requests).toEqual([]);
    },
  );

  attack(
    {
      id: 'H2',
      attacker,
      tried: "answer the broker's summaries read with a 302 to another resident's summaries",
      expected:
        "the redirect is a failed read: the home is counted unreadable, the victim's data is never read and their access log is unchanged",
    },
    async () => {
      // The victim consented to another request, so the broker may read her humidity summaries.
      const victimRequest = await fileRequest(world, 'Victim consents here');
      await grantFromRealPod(world, victim, victimRequest);
      const requestId = await fileRequest(world, 'Redirected summaries');
      const pod = serveHostilePod(world, world.trusted, '/p1/', mallory, requestId);
      world.trusted.on(new URL(pod.summaryDocument('humidity', '2026-01')).pathname, {
        kind: 'redirect',
        status: 302,
        location: victim.layout.summaryDocument('humidity', '2026-01'),
      });
      expect((await registerPod(world, mallory, requestId, pod.pod)).status).toBe(201);
      const month = new Date().toISOString().slice(0, 7);
      const victimLog = async () => {
        const response = await victim.agent.fetch(victim.layout.accessLogMonth(month));
        return response.ok ? await response.text() : String(response.status);
      };
      const before = await victimLog();

      const run = await runRequest(world, requestId);
      expect(run.state).toBe('done');
      expect(run.homesRead).toMatchObject({ 'pod-failed': 1 });
      expect(await victimLog()).toBe(before);
      const audited = await world.broker.db.query<{ resource: string; status: number }>(
        'SELECT resource, status FROM audit_log WHERE request_id = $1',
        [requestId],
      );
      expect(audited.map((row) => row.resource).filter((url) => url.startsWith(victim.identity.pod))).toEqual(
        [],
      );
      expect(audited).toContainEqual({ resource: pod.summaryDocument('humidity', '2026-01'), status: 302 });
    },
  );

  const tarpits = [
    {
      path: '/p2/',
      name: 'trickles one byte every 200 ms',
      behaviour: { kind: 'trickle', byteEveryMs: 200 },
    },
    { path: '/p3/', name: 'never answers', behaviour: { kind: 'silent' } },
    {
      path: '/p4/',
      name: 'sends a 200 MB summaries document',
      behaviour: { kind: 'huge', bytes: 200 * 2 ** 20 },
    },
  ] as const;
  for (const tarpit of tarpits) {
    attack(
      {
        id: 'M3',
        attacker,
        tried: `a consenting pod that ${tarpit.name} when a run reads it`,
        expected:
          'the run ends within the per-request deadline, memory stays bounded, the home is counted unreadable',
      },
      async () => {
        const requestId = await fileRequest(world, `Tarpit ${tarpit.path}`);
        const pod = serveHostilePod(world, world.trusted, tarpit.path, mallory, requestId);
        world.trusted.on(new URL(pod.summaryDocument('humidity', '2026-01')).pathname, tarpit.behaviour);
        expect((await registerPod(world, mallory, requestId, pod.pod)).status).toBe(201);
        const heapBefore = process.memoryUsage().rss;
        const run = await runRequest(world, requestId);
        expect(run.state).toBe('done');
        expect(run.homesRead).toMatchObject({ 'pod-failed': 1 });
        expect(run.ms).toBeLessThan(ATTACK_TIMEOUT_MS + 8_000);
        // Loose: a 200 MB body kept whole would pass it; the byte cap itself is unit-tested in guarded-fetch.
        expect(process.memoryUsage().rss - heapBefore).toBeLessThan(150 * 2 ** 20);
      },
      60_000,
    );
  }

  attack(
    {
      id: 'M3',
      attacker,
      tried: 'serve a 50 MB consent record at registration',
      expected: 'refused quickly with a fixed message, without parsing or SHACL-checking it',
    },
    async () => {
      const requestId = await fileRequest(world, 'Huge record');
      const pod = serveHostilePod(world, world.trusted, '/p5/', mallory, requestId);
      world.trusted.on(new URL(pod.consentDocument(requestId)).pathname, {
        kind: 'huge',
        bytes: 50 * 2 ** 20,
      });
      const started = Date.now();
      const { status, problem } = await registerPod(world, mallory, requestId, pod.pod);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(status).toBe(409);
      expect(problem.detail).toBe(UNREADABLE_RECORD);
    },
  );

  attack(
    {
      id: 'M3',
      attacker,
      tried:
        'serve a consent record under the byte cap but with 20,000 consent records in it, to stall the SHACL check',
      expected: 'refused after at most 1,000 triples, with the fixed message; the event loop is not held',
    },
    async () => {
      const requestId = await fileRequest(world, 'Many triples');
      const pod = serveHostilePod(world, world.trusted, '/p7/', mallory, requestId);
      const nodes = Array.from(
        { length: 20_000 },
        (_, i) =>
          `<#c${i}> a <${TERMS.dpv.ConsentRecord.value}>; <${TERMS.hd.requestId.value}> "${requestId}".`,
      ).join('\n');
      world.trusted.on(new URL(pod.consentDocument(requestId)).pathname, {
        kind: 'answer',
        status: 200,
        body: nodes,
      });
      const started = Date.now();
      const { status, problem } = await registerPod(world, mallory, requestId, pod.pod);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(status).toBe(409);
      expect(problem.detail).toBe(UNREADABLE_RECORD);
    },
  );

  attack(
    {
      id: 'M1',
      attacker,
      tried: 'serve a consent record that is not Turtle, to read back its first token in the error',
      expected: "a fixed message: no parser text, no status, nothing of the pod's answer",
    },
    async () => {
      const requestId = await fileRequest(world, 'Oracle');
      const pod = serveHostilePod(world, world.trusted, '/p6/', mallory, requestId);
      world.trusted.on(new URL(pod.consentDocument(requestId)).pathname, {
        kind: 'answer',
        status: 200,
        body: 'AKIA-SECRET-ROLE-NAME and more',
      });
      const { status, problem } = await registerPod(world, mallory, requestId, pod.pod);
      expect(status).toBe(409);
      expect(problem.detail).toBe(UNREADABLE_RECORD);
      expect(JSON.stringify(problem)).not.toMatch(/AKIA|line|Unexpected|200/);
    },
  );

  attack(
    {
      id: 'L6',
      attacker,
      tried: "answer 401 to every request, to make the broker's agent log in again for each read",
      expected: 'no login: a 401 from a server other than the issuer is returned as it is',
    },
    async () => {
      world.trusted.on('/always-401', { kind: 'answer', status: 401, body: 'no' });
      const agent = await loginWithClientCredentials(
        { issuer: server, clientId: mallory.identity.clientId, clientSecret: mallory.identity.clientSecret },
        { origins: [server, world.trusted.url] },
      );
      try {
        const before = world.trusted.requests.length;
        for (let i = 0; i < 20; i++) {
          expect((await agent.fetch(new URL('/always-401', world.trusted.url))).status).toBe(401);
        }
        // Each login after a 401 is followed by a retry of the request (the old fetch did both every time), so
        // one request per fetch means no login was made.
        expect(world.trusted.requests.length - before).toBe(20);
      } finally {
        await agent.logout();
      }
    },
  );

  attack(
    {
      id: 'H2',
      attacker,
      tried: "get the broker's agent to send its token to a server outside the trust list",
      expected: 'the agent refuses before any request is made',
    },
    async () => {
      const agent = await loginWithClientCredentials(
        { issuer: server, clientId: mallory.identity.clientId, clientSecret: mallory.identity.clientSecret },
        { origins: [server] },
      );
      try {
        const before = world.untrusted.requests.length;
        await expect(agent.fetch(new URL('/anything', world.untrusted.url))).rejects.toThrow(
          'does not send its credentials',
        );
        expect(world.untrusted.requests.length).toBe(before);
      } finally {
        await agent.logout();
      }
    },
  );
});
