// Integration: a gateway started by bin/homedata-gateway (the bundle) upgrades an old PGlite outbox and writes each pending reading once.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compiledBuildIsCurrent } from '../../bin/compiled-build.js';
import type { Property, Reading } from '../../src/metrics/types.ts';
import { exited, killChildren, startGatewayProcess } from '../faults/fault-processes.ts';
import { writeModuleProbe, type ModuleProbe } from '../helpers/loaded-modules.ts';
import { countReadings, podObservations, type SentReading } from '../helpers/pod-observations.ts';
import { openOutboxDatabase as openPgliteOutbox } from './fixtures/pglite-outbox-v1/outbox-store.ts';
import { OutboxWriter as PgliteOutboxWriter } from './fixtures/pglite-outbox-v1/outbox-writer.ts';
import {
  createGatewayHome,
  freshDataDir,
  outboxDrained,
  removeDataDirs,
  writeGatewayConfigFile,
  type GatewayHome,
} from './gateway-home.ts';

const ROOT = join(import.meta.dirname, '../..');
/** The modules that tell which build ran the gateway and which ran the upgrade beside it. */
const ENTRIES = [
  'dist/src/gateway-bundle/main.js',
  'dist/src/gateway-bundle/outbox-upgrade-main.js',
  'dist/src/cli/main.js',
  'dist/src/gateway/outbox-upgrade-main.js',
  'src/cli/main.ts',
  'src/gateway/outbox-upgrade-main.ts',
];

let home: GatewayHome;
let dataDir: string;
let probeDir: string;
let probe: ModuleProbe;
/** The readings the old gateway had not delivered yet: each must reach the pod once. */
const pending: SentReading[] = [];
/** Readings the old gateway had already delivered: the new one must not write them again. */
const DELIVERED = 2;

/** A living-room reading of `property` at `time`. */
function reading(property: Property, time: Date, value: number): Reading {
  return { sensor: 'living-th1', room: 'living-room', property, time, value };
}

beforeAll(async () => {
  if (!compiledBuildIsCurrent(ROOT, process.env))
    throw new Error(
      'this test runs the gateway bundle: `npm run build:node` first (the build is missing or stale)',
    );
  home = await createGatewayHome(inject('podServer'));
  probeDir = await mkdtemp(join(tmpdir(), 'homedata-upgrade-probe-'));
  probe = await writeModuleProbe(probeDir);

  // The old gateway's outbox: two readings delivered (awaiting their summary), then three hours of temperature
  // and humidity every 10 minutes that never reached the pod.
  dataDir = await freshDataDir();
  const old = await openPgliteOutbox(dataDir);
  const writer = new PgliteOutboxWriter(old, 'Europe/London');
  const base = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 4 * 3_600_000;
  await writer.accept([reading('temperature', new Date(base), 18), reading('humidity', new Date(base), 50)]);
  const delivered = (await old.query<{ key: string }>('select key from readings')).rows;
  expect(delivered).toHaveLength(DELIVERED);
  await writer.markDelivered(delivered.map((row) => row.key));
  for (let n = 0; n < 18; n++) {
    const time = new Date(base + 3_600_000 + n * 10 * 60_000);
    pending.push({ property: 'temperature', time, value: 19 + n / 10 });
    pending.push({ property: 'humidity', time, value: 40 + n });
  }
  await writer.accept(pending.map((sent) => reading(sent.property, sent.time, sent.value)));
  await old.close();
}, 120_000);

afterAll(async () => {
  killChildren();
  await home?.resident.agent.logout();
  await home?.gateway.agent.logout();
  await removeDataDirs();
  if (probeDir) await rm(probeDir, { recursive: true, force: true });
});

describe('upgrading a PGlite outbox through bin/homedata-gateway', () => {
  it('writes every pending reading to the pod once, none of the delivered ones, and keeps the old outbox aside', async () => {
    const configFile = await writeGatewayConfigFile(home, dataDir, {
      flush: { intervalSeconds: 1 },
      retry: { baseMs: 200, maxMs: 1000 },
    });
    const upgrades: Record<string, unknown>[] = [];
    const gateway = startGatewayProcess(
      configFile,
      (entry) => entry.msg === 'outbox upgraded from PGlite to SQLite' && upgrades.push(entry),
      { NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} ${probe.nodeOptions}` },
    );
    const stopped = exited(gateway).then((code) => `exited with ${code}`);
    expect(await Promise.race([outboxDrained(dataDir, gateway.pid, 60_000), stopped])).toBe(true);
    gateway.kill('SIGTERM');
    expect(await exited(gateway)).toBe(0);

    // The bundle ran the gateway, and the upgrade in the bundle's own entry beside it.
    const loaded = await probe.loaded();
    expect(ENTRIES.filter((entry) => loaded.some((url) => url.endsWith(`/${entry}`)))).toEqual([
      'dist/src/gateway-bundle/main.js',
      'dist/src/gateway-bundle/outbox-upgrade-main.js',
    ]);
    expect(upgrades).toHaveLength(1);
    expect(upgrades[0]).toMatchObject({ readings: pending.length + DELIVERED });

    const observations = await podObservations(home.resident.agent.fetch, home.layout.readings);
    expect(countReadings(pending, observations)).toEqual({
      inPod: pending.length,
      lost: 0,
      duplicated: 0,
      misfiled: 0,
    });
    await expect(stat(join(dataDir, 'outbox'))).rejects.toThrow();
    expect((await stat(join(dataDir, 'outbox.pglite-migrated', 'PG_VERSION'))).isFile()).toBe(true);
    expect((await stat(join(dataDir, 'outbox.sqlite'))).isFile()).toBe(true);
  });
});
