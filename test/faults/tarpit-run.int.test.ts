// Fault suite, broker side: one consenting pod tarpits (a byte every 10 s) during a run; that run ends in time and another council's run is neither delayed nor changed.
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { addCouncil } from '../../src/broker/index.ts';
import {
  ATTACK_TIMEOUT_MS,
  createAttackResident,
  fileRequest,
  grantFromRealPod,
  listStorages,
  registerPod,
  serveHostilePod,
  startPodAttackWorld,
  type AttackResident,
  type PodAttackWorld,
} from '../attacks/pod-attack-world.ts';
import { enrolTestHomes } from '../helpers/enrol-homes.ts';
import { fault } from './fault.ts';

/** The broker's default per-home deadline of a run (`limits.homeDeadlineMs`). */
const HOME_DEADLINE_MS = 60_000;

let world: PodAttackWorld;
let other: PodAttackWorld;
let mallory: AttackResident;
let resident: AttackResident;

beforeAll(async () => {
  const server = inject('podServer');
  world = await startPodAttackWorld(server);
  [mallory, resident] = await Promise.all([
    createAttackResident(server, 'tarpit'),
    createAttackResident(server, 'steady'),
  ]);
  const tarpitPod = new URL('/t1/', world.trusted.url).href;
  await listStorages(mallory, [mallory.identity.pod, tarpitPod]);
  await enrolTestHomes(world.broker.db, [{ pod: tarpitPod }, { pod: resident.identity.pod }]);
  // A second council on the same broker.
  other = { ...world, council: await addCouncil(world.broker.db, 'Southmoor District Council') };
});

afterAll(async () => {
  await world?.stop();
  await Promise.all([mallory, resident].map((actor) => actor?.agent.logout()));
});

/** Runs `requestId` as the world's council; the run's state, its `homes read` log line, its cells and its time. */
async function run(as: PodAttackWorld, requestId: string) {
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${as.broker.url}${path}`, { ...init, headers: { authorization: `Bearer ${as.council.apiKey}` } });
  const started = Date.now();
  const answer = await call(`api/requests/${requestId}/runs`, { method: 'POST' });
  if (answer.status !== 202) throw new Error(`run not started: ${await answer.text()}`);
  const runId = ((await answer.json()) as { id: string }).id;
  for (;;) {
    const view = (await (await call(`api/requests/${requestId}/runs/${runId}`)).json()) as { state: string };
    if (view.state === 'done' || view.state === 'failed') {
      const ms = Date.now() - started;
      const homesRead = as.logs.find((line) => line.msg === 'homes read' && line.runId === runId);
      const results = await call(`api/requests/${requestId}/results?run=${runId}`);
      const cells = results.ok ? ((await results.json()) as { cells: unknown }).cells : null;
      return { state: view.state, homesRead, cells, ms };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('fault suite: broker', () => {
  fault(
    'tarpit',
    `a consenting pod's summaries answered one byte every 10 s (request deadline ${ATTACK_TIMEOUT_MS / 1000} s, 2 retries) while another council's run reads a healthy pod`,
    async (record) => {
      const tarpitRequest = await fileRequest(world, 'Tarpit during a run');
      const pod = serveHostilePod(world, world.trusted, '/t1/', mallory, tarpitRequest);
      world.trusted.on(new URL(pod.summaryDocument('humidity', '2026-01')).pathname, {
        kind: 'trickle',
        byteEveryMs: 10_000,
      });
      expect((await registerPod(world, mallory, tarpitRequest, pod.pod)).status).toBe(201);
      const steadyRequest = await fileRequest(other, 'Steady council');
      await grantFromRealPod(other, resident, steadyRequest);

      const undisturbed = await run(other, steadyRequest);
      const [tarpitRun, steadyRun] = await Promise.all([
        run(world, tarpitRequest),
        run(other, steadyRequest),
      ]);
      const sameFigures = JSON.stringify(steadyRun.cells) === JSON.stringify(undisturbed.cells);
      record({ sameFigures: sameFigures && tarpitRun.state === 'done' });
      expect(undisturbed.state).toBe('done');
      expect(tarpitRun).toMatchObject({ state: 'done', homesRead: { 'pod-failed': 1 } });
      expect(tarpitRun.ms).toBeLessThan(HOME_DEADLINE_MS);
      expect(steadyRun.state).toBe('done');
      expect(sameFigures).toBe(true);
      // Not held behind the tarpit: the other council's run takes about as long as it did alone.
      expect(steadyRun.ms).toBeLessThan(undisturbed.ms + 5_000);
    },
    180_000,
  );
});
