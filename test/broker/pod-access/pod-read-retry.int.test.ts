// Integration: the broker's pod reads are retried with backoff after a transient failure, and a failure that persists leaves the home out.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createAttackResident,
  fileRequest,
  listStorages,
  registerPod,
  runRequest,
  serveHostilePod,
  startPodAttackWorld,
  type AttackResident,
  type PodAttackWorld,
} from '../../attacks/pod-attack-world.ts';
import { enrolTestHomes } from '../../helpers/enrol-homes.ts';

/** The broker's default `podAccess.retries`: three attempts in all. */
const ATTEMPTS = 3;

describe('pod reads under transient failures', () => {
  const server = inject('podServer');
  let world: PodAttackWorld;
  let resident: AttackResident;

  beforeAll(async () => {
    world = await startPodAttackWorld(server);
    resident = await createAttackResident(server, 'flaky');
    // The resident names both pods on the trusted test server as hers, and the operator enrolled them.
    const pods = ['/f1/', '/f2/'].map((path) => new URL(path, world.trusted.url).href);
    await listStorages(resident, [resident.identity.pod, ...pods]);
    await enrolTestHomes(
      world.broker.db,
      pods.map((pod) => ({ pod })),
    );
  });

  afterAll(async () => {
    await world?.stop();
    await resident?.agent.logout();
  });

  /** How many times the broker asked the trusted server for `url`. */
  const requestsFor = (url: string) =>
    world.trusted.requests.filter((request) => request.path === new URL(url).pathname).length;

  it('reads a summaries document the pod answered 503 twice, on the third attempt, and does not leave the home out', async () => {
    const requestId = await fileRequest(world, 'Pod shedding load');
    const pod = serveHostilePod(world, world.trusted, '/f1/', resident, requestId);
    const summaries = pod.summaryDocument('humidity', '2026-01');
    world.trusted.on(new URL(summaries).pathname, {
      kind: 'flaky',
      failures: ATTEMPTS - 1,
      status: 503,
      then: { kind: 'answer', status: 200, body: '' },
    });
    expect((await registerPod(world, resident, requestId, pod.pod)).status).toBe(201);
    const run = await runRequest(world, requestId);
    expect(run.state).toBe('done');
    expect(requestsFor(summaries)).toBe(ATTEMPTS);
    expect(run.homesRead).toMatchObject({ 'pod-failed': 0 });
  });

  it('counts a home whose pod answers 500 to every attempt as unreadable, after a bounded number of attempts', async () => {
    const requestId = await fileRequest(world, 'Pod down');
    const pod = serveHostilePod(world, world.trusted, '/f2/', resident, requestId);
    const summaries = pod.summaryDocument('humidity', '2026-01');
    world.trusted.on(new URL(summaries).pathname, {
      kind: 'answer',
      status: 500,
      body: 'internal error',
    });
    expect((await registerPod(world, resident, requestId, pod.pod)).status).toBe(201);
    const run = await runRequest(world, requestId);
    expect(run.state).toBe('done');
    // Never partly counted: a document the pod could not serve makes the whole home unreadable.
    expect(run.homesRead).toMatchObject({ 'pod-failed': 1 });
    expect(requestsFor(summaries)).toBe(ATTEMPTS);
    // Three attempts and two backoffs (at most 0.5 s and 1 s, default policy) on a local server.
    expect(run.ms).toBeLessThan(10_000);
  });
});
