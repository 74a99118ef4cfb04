// Attacks by a resident with fake homes: pods that are not theirs, pod URLs built to inject, accounts invented on the pod server.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AccountApi } from '../../src/pod/account-api.ts';
import { startPodServer, type PodServer } from '../../src/pod/pod-server.ts';
import { loginWithClientCredentials } from '../../src/pod/solid-session.ts';
import { TERMS } from '../../src/vocab/index.ts';
import { enrolTestHomes } from '../helpers/enrol-homes.ts';
import { attack } from './attack.ts';
import {
  createAttackResident,
  fileRequest,
  grantFromRealPod,
  listStorages,
  registerPod,
  startPodAttackWorld,
  type AttackResident,
  type PodAttackWorld,
} from './pod-attack-world.ts';

const attacker = 'resident with fake homes';

/** Creates a second pod in the resident's own account through the account API; returns its URL. */
async function createSecondPod(
  server: string,
  email: string,
  password: string,
  name: string,
): Promise<string> {
  const account = async (token?: string) =>
    (
      (await (
        await fetch(`${server}.account/`, {
          headers: token ? { authorization: `CSS-Account-Token ${token}` } : {},
        })
      ).json()) as { controls: Record<string, Record<string, string>> }
    ).controls;
  const login = await fetch((await account()).password!.login!, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const { authorization } = (await login.json()) as { authorization: string };
  const created = await fetch((await account(authorization)).account!.pod!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `CSS-Account-Token ${authorization}` },
    body: JSON.stringify({ name }),
  });
  if (!created.ok) throw new Error(`second pod not created: ${await created.text()}`);
  return ((await created.json()) as { pod: string }).pod;
}

describe('resident with fake homes: pod binding', () => {
  const server = inject('podServer');
  let world: PodAttackWorld;
  let mallory: AttackResident;
  let victim: AttackResident;
  let requestId: string;

  beforeAll(async () => {
    world = await startPodAttackWorld(server);
    [mallory, victim, requestId] = await Promise.all([
      createAttackResident(server, 'mallory'),
      createAttackResident(server, 'victim'),
      (async () => fileRequest(world, 'Binding'))(),
    ]);
    // Both real pods are enrolled homes (with no resident recorded), so the enrolment check passes and the
    // binding of the pod to the caller's WebID is the rule each attack below meets.
    await enrolTestHomes(world.broker.db, [{ pod: mallory.identity.pod }, { pod: victim.identity.pod }]);
  });

  afterAll(async () => {
    await world?.stop();
    await Promise.all([mallory, victim].map((resident) => resident?.agent.logout()));
  });

  const auditRows = async () =>
    (await world.broker.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0]!.n;

  it('a CSS 7 profile names no pim:storage, and the pod root says it is a storage', async () => {
    const profile = await (await fetch(victim.identity.webId.replace(/#.*$/, ''))).text();
    expect(profile).not.toContain(TERMS.pim.storage.value);
    expect(profile).not.toContain('storage');
    const root = await fetch(victim.identity.pod, { method: 'HEAD' });
    expect(root.headers.get('link')).toContain(`<${TERMS.pim.Storage.value}>; rel="type"`);
  });

  it("counts a resident's own pod: the storage that holds their WebID profile", async () => {
    await grantFromRealPod(world, victim, requestId);
  });

  attack(
    {
      id: 'H1',
      attacker,
      tried: "register another resident's real pod as one's own home",
      expected: 'refused before anything in that pod is read: it is not a storage of the caller’s WebID',
    },
    async () => {
      const before = await auditRows();
      const { status, problem } = await registerPod(world, mallory, requestId, victim.identity.pod);
      expect(status).toBe(403);
      expect(problem.detail).toBe('The pod is not a storage your WebID profile names as yours');
      expect(await auditRows()).toBe(before);
    },
  );

  attack(
    {
      id: 'H1',
      attacker,
      tried: 'register a second pod of one’s own account that the WebID profile does not name',
      expected: 'refused: only the storages the WebID names count, so one WebID is not several homes',
    },
    async () => {
      const second = await createSecondPod(
        server,
        mallory.identity.email,
        `pw-${mallory.identity.pod.split('/').at(-2)}-secret`,
        `${mallory.identity.pod.split('/').at(-2)}-second`,
      );
      // The operator enrolled the second pod too (say, as another flat): only the binding rule stands in the way.
      await enrolTestHomes(world.broker.db, [{ pod: second, homeId: 'test-mallory-second' }]);
      // Naming the first pod explicitly: the second one is then not hers for the broker, however she asks.
      await listStorages(mallory, [mallory.identity.pod]);
      const before = await auditRows();
      const { status, problem } = await registerPod(world, mallory, requestId, second);
      expect(status).toBe(403);
      expect(problem.detail).toBe('The pod is not a storage your WebID profile names as yours');
      expect(await auditRows()).toBe(before);
      // The pod the profile names still counts.
      await grantFromRealPod(world, mallory, requestId);
    },
  );

  attack(
    {
      id: 'H1',
      attacker,
      tried: 'register a container inside one’s own pod as a second home',
      expected: 'refused: the pod must be a storage root (Link rel="type" pim:Storage)',
    },
    async () => {
      // Enrolled, so that the enrolment check passes and the binding and storage-root rules are what refuse it.
      await enrolTestHomes(world.broker.db, [{ pod: victim.layout.root, homeId: 'test-victim-container' }]);
      const { status, problem } = await registerPod(world, victim, requestId, victim.layout.root);
      expect(status).toBe(403);
      expect(problem.detail).toBe('The pod is not a storage your WebID profile names as yours');
      await listStorages(victim, [victim.identity.pod, victim.layout.root]);
      const listed = await registerPod(world, victim, requestId, victim.layout.root);
      expect(listed.status).toBe(403);
      expect(listed.problem.detail).toBe('The pod URL is not the root of a pod (a pim:Storage)');
    },
  );

  for (const [name, pod] of [
    ['a ">"', (base: string) => `${base}a>b/`],
    ['a space', (base: string) => `${base}a b/`],
    ['a newline', (base: string) => `${base}a\nb/`],
    ['a "{"', (base: string) => `${base}a{b/`],
    ['a query', (base: string) => `${base}?x=/`],
    ['a user name', (base: string) => base.replace('://', '://user@')],
  ] as const) {
    attack(
      {
        id: 'L3',
        attacker,
        tried: `a pod URL with ${name}, to inject into the access record the broker writes`,
        expected: 'refused as invalid input (422) before anything is read',
      },
      async () => {
        const before = await auditRows();
        const { status, problem } = await registerPod(world, mallory, requestId, pod(mallory.identity.pod));
        expect(status).toBe(422);
        expect(problem.errors).toEqual([expect.objectContaining({ field: 'pod' })]);
        expect(await auditRows()).toBe(before);
      },
    );
  }
});

describe('resident with fake homes: pod server registration', () => {
  let closed: PodServer;
  let dir: string;
  const seeded = { email: 'resident@test.example', password: 'seeded-resident-secret', podName: 'seeded' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homedata-closed-css-'));
    const seedConfig = join(dir, 'seed.json');
    await writeFile(
      seedConfig,
      JSON.stringify([{ email: seeded.email, password: seeded.password, pods: [{ name: seeded.podName }] }]),
    );
    closed = await startPodServer({ dataDir: join(dir, 'pods'), port: 0, seedConfig });
  });

  afterAll(async () => {
    await closed?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  attack(
    {
      id: 'H1/L8',
      attacker,
      tried: 'create accounts and pods on the pod server through its account API, to invent residents',
      expected: 'a pod server outside the demo has no registration: accounts come only from the operator',
    },
    async () => {
      const { controls } = (await (await fetch(`${closed.url}.account/`)).json()) as {
        controls: { account?: { create?: string } };
      };
      expect(controls.account?.create).toBeUndefined();
      const created = await fetch(`${closed.url}.account/account/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(created.ok).toBe(false);
      await expect(
        new AccountApi(closed.url).provision({
          email: 'x@test.example',
          password: 'invented-secret',
          podName: 'x',
        }),
      ).rejects.toThrow();
    },
  );

  it('lets a resident the operator seeded log in, mint client credentials and use their pod', async () => {
    const identity = await new AccountApi(closed.url).provision(seeded);
    expect(identity.pod).toBe(`${closed.url}${seeded.podName}/`);
    const agent = await loginWithClientCredentials(identity);
    try {
      const root = await agent.fetch(identity.pod, { method: 'HEAD' });
      expect(root.status).toBe(200);
      expect(root.headers.get('link')).toContain(`<${TERMS.pim.Storage.value}>; rel="type"`);
    } finally {
      await agent.logout();
    }
  });
});
