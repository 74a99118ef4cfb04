// Integration: a write the pod refuses with a 4xx that may pass (here 403 while the gateway's grant is away) is retried with backoff and lands once the pod lets it; one refused for good goes to quarantine with its reason.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REFUSAL_PERSISTS } from '../../src/gateway/pod-writer.ts';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import { createLogger } from '../../src/logging.ts';
import type { Reading } from '../../src/metrics/index.ts';
import { revokeAccess, setAgentModes } from '../../src/pod/index.ts';
import { countReadings, podObservations } from '../helpers/pod-observations.ts';
import { createGatewayHome, removeDataDirs, type GatewayHome } from './gateway-home.ts';

let home: GatewayHome;

beforeAll(async () => {
  home = await createGatewayHome(inject('podServer'));
});

afterAll(async () => {
  await home?.resident.agent.logout();
  await home?.gateway.agent.logout();
  await removeDataDirs();
});

/** The resident's editor of the pod's access control. */
function editor() {
  return { fetch: home.resident.agent.fetch, ownerWebId: home.resident.agent.webId };
}

/** `count` living-room temperatures a minute apart from `start`. */
function readings(start: number, count: number): Reading[] {
  return Array.from({ length: count }, (_, index) => ({
    sensor: 'living-th1',
    room: 'living-room',
    property: 'temperature' as const,
    time: new Date(start + index * 60_000),
    value: 18 + index / 10,
  }));
}

/** A gateway on the test home with a clock the test moves, no timers and no summaries. */
async function manualGateway(clock: { now: number }): Promise<{ gateway: Gateway; quarantineFile: string }> {
  const settings = await home.settings({ summaries: { enabled: false, graceMs: 0 } });
  const gateway = await startGateway(settings, {
    logger: createLogger('gateway', 'silent'),
    manual: true,
    now: () => new Date(clock.now),
  });
  return { gateway, quarantineFile: settings.quarantineFile };
}

/** The reasons in a quarantine file, one per entry. */
async function quarantineReasons(file: string): Promise<string[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  return lines.map((line) => (JSON.parse(line) as { reason: string }).reason);
}

describe('gateway writes the pod refuses', () => {
  it('retries a 403 while the grant is away and delivers once it is back, quarantining nothing (quarantined before)', async () => {
    const clock = { now: Date.now() };
    const { gateway } = await manualGateway(clock);
    const sent = readings(clock.now - 3 * 3_600_000, 20);
    await revokeAccess(editor(), home.layout.readings, home.gateway.identity.webId);
    try {
      expect((await gateway.intake.readings(sent, { source: 'simulator', where: 'refusals' })).accepted).toBe(
        20,
      );
      const refused = await gateway.scheduler.flushNow();
      expect(refused.retry?.reason).toMatch(/answered 403/);
      clock.now += 60_000;
      expect((await gateway.scheduler.flushNow()).retry).toBeDefined();
      expect(await gateway.status()).toMatchObject({ pending: 20, quarantined: 0 });
    } finally {
      await setAgentModes(editor(), home.layout.readings, home.gateway.identity.webId, ['Append']);
    }
    clock.now += 60_000;
    expect(await gateway.scheduler.flushNow()).toMatchObject({ delivered: 20 });
    expect(await gateway.status()).toMatchObject({ pending: 0, quarantined: 0 });
    await gateway.stop({ finalFlushMs: 0 });
    const count = countReadings(sent, await podObservations(home.resident.agent.fetch, home.layout.readings));
    expect(count).toMatchObject({ inPod: 20, lost: 0, duplicated: 0 });
  });

  it('quarantines a batch whose refusal persists, with the status and how long it lasted, and stops retrying it', async () => {
    const clock = { now: Date.now() };
    const { gateway, quarantineFile } = await manualGateway(clock);
    // Ten minutes from the start of an hour: one hourly batch, whatever the minute the test runs (from minute 51 on,
    // ten minutes from "now minus 5 h" crossed an hour and were quarantined as two batches).
    const hour = 3_600_000;
    const sent = readings(Math.floor(clock.now / hour) * hour - 5 * hour, 10);
    await revokeAccess(editor(), home.layout.readings, home.gateway.identity.webId);
    try {
      await gateway.intake.readings(sent, { source: 'simulator', where: 'refusals' });
      const step = REFUSAL_PERSISTS.ms / (REFUSAL_PERSISTS.answers - 1);
      for (let answer = 1; answer < REFUSAL_PERSISTS.answers; answer++) {
        expect((await gateway.scheduler.flushNow()).retry).toBeDefined();
        clock.now += step;
      }
      expect(await gateway.scheduler.flushNow()).toMatchObject({ delivered: 0 });
      expect(await gateway.status()).toMatchObject({ pending: 0, quarantined: 1 });
      expect(await quarantineReasons(quarantineFile)).toEqual([
        expect.stringMatching(
          new RegExp(`^pod answered 403: .* \\(answered ${REFUSAL_PERSISTS.answers} times over \\d+ s\\)$`),
        ),
      ]);
    } finally {
      await setAgentModes(editor(), home.layout.readings, home.gateway.identity.webId, ['Append']);
      await gateway.stop({ finalFlushMs: 0 });
    }
  });
});
