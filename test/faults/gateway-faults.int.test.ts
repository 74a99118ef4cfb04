// Fault suite, gateway side: the pod server killed or failing, the gateway killed before or during a flush, its clock ahead.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { readStatusFile, startGateway } from '../../src/gateway/index.ts';
import { createLogger } from '../../src/logging.ts';
import { findFreePort } from '../../src/free-port.ts';
import {
  createGatewayHome,
  freshDataDir,
  outboxDrained,
  removeDataDirs,
  waitFor,
  writeGatewayConfigFile,
} from '../gateway/gateway-home.ts';
import type { GatewayHome } from '../gateway/gateway-home.ts';
import { countReadings, podObservations, type SentReading } from '../helpers/pod-observations.ts';
import { fault, faultWindow } from './fault.ts';
import {
  closeServer,
  killChildren,
  killHard,
  serveErrors,
  startGatewayProcess,
  startPodServerProcess,
  type PodServerProcess,
} from './fault-processes.ts';

const TOKEN = 'fault-token-0123456789abcdef';
/** How long the pod server stays dead after SIGKILL: the 20 s under `npm run faults`, 3 s in CI. */
const POD_DOWN_MS = faultWindow(20_000, 3_000);
/** How long the pod server's port answers 500/503: the 30 s under `npm run faults`, 5 s in CI. */
const POD_ERRORS_MS = faultWindow(30_000, 5_000);

let cssDir: string;
let cssPort: number;
let css: PodServerProcess | undefined;
const homes: GatewayHome[] = [];

beforeAll(async () => {
  cssDir = await mkdtemp(join(tmpdir(), 'homedata-faults-css-'));
  cssPort = await findFreePort();
  css = await startPodServerProcess(cssDir, cssPort);
});

afterAll(async () => {
  for (const home of homes) {
    await home.resident.agent.logout().catch(() => undefined);
    await home.gateway.agent.logout().catch(() => undefined);
  }
  killChildren();
  await rm(cssDir, { recursive: true, force: true });
  await removeDataDirs();
});

/** A new home on the fault suite's pod server. */
async function newHome(): Promise<GatewayHome> {
  const home = await createGatewayHome(css!.url);
  homes.push(home);
  return home;
}

/** A gateway process's files: its config (HTTP input on a free port) and data folder. */
interface GatewaySetup {
  configFile: string;
  dataDir: string;
  httpUrl: string;
}

/** Writes a gateway config for `home`: short flush interval unless told, quick retries. */
async function gatewaySetup(home: GatewayHome, flushIntervalSeconds = 1): Promise<GatewaySetup> {
  const dataDir = await freshDataDir();
  const port = await findFreePort();
  const configFile = await writeGatewayConfigFile(home, dataDir, {
    http: { port, token: TOKEN },
    flush: { intervalSeconds: flushIntervalSeconds, maxReadings: 100_000 },
    retry: { baseMs: 200, maxMs: 2000 },
  });
  return { configFile, dataDir, httpUrl: `http://127.0.0.1:${port}/` };
}

/** Whether a gateway's HTTP input answers. */
async function healthy(setup: GatewaySetup): Promise<boolean> {
  try {
    return (await fetch(`${setup.httpUrl}health`)).ok;
  } catch {
    return false;
  }
}

/**
 * Posts `count` living-room entries (temperature and humidity) from `first` on, one every 6 minutes from `base`
 * (so ten per hourly document); checks the gateway accepted them all and records them in `sent`.
 */
async function post(
  httpUrl: string,
  sent: SentReading[],
  base: number,
  first: number,
  count: number,
): Promise<void> {
  const entries = Array.from({ length: count }, (_, offset) => {
    const n = first + offset;
    return {
      device: 'living-th1',
      time: new Date(base + n * 6 * 60_000).toISOString(),
      values: { temperature: 15 + (n % 100) / 10, humidity: 40 + (n % 30) },
    };
  });
  const response = await fetch(`${httpUrl}readings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ readings: entries }),
  });
  expect(response.status).toBe(202);
  // Every entry taken (none quarantined): `sent` is what the gateway accepted.
  expect(((await response.json()) as { accepted: number }).accepted).toBe(count * 2);
  for (const entry of entries) {
    const time = new Date(entry.time);
    sent.push({ property: 'temperature', time, value: entry.values.temperature });
    sent.push({ property: 'humidity', time, value: entry.values.humidity });
  }
}

/** Counts `home`'s readings in its pod against `sent`. */
async function count(home: GatewayHome, sent: readonly SentReading[]) {
  return countReadings(sent, await podObservations(home.resident.agent.fetch, home.layout.readings));
}

/** A promise that resolves at the first log entry with message `msg`, and the handler to pass the gateway. */
function firstLog(msg: string): { seen: Promise<void>; onLog: (entry: Record<string, unknown>) => void } {
  let resolve!: () => void;
  const seen = new Promise<void>((done) => {
    resolve = done;
  });
  return { seen, onLog: (entry) => entry.msg === msg && resolve() };
}

describe('fault suite: gateway and pod server', () => {
  fault(
    'podKilled',
    `pod server process SIGKILLed after the first document of a 1,000-entry flush, restarted ${POD_DOWN_MS / 1000} s later on the same port and data folder`,
    async (record) => {
      const home = await newHome();
      const setup = await gatewaySetup(home);
      const written = firstLog('document written');
      const gateway = startGatewayProcess(setup.configFile, written.onLog);
      expect(await waitFor(() => healthy(setup), 60_000)).toBe(true);
      const sent: SentReading[] = [];
      const base = Date.now() - 1050 * 6 * 60_000 - 3_600_000;
      for (let first = 0; first < 1000; first += 500) await post(setup.httpUrl, sent, base, first, 500);

      await written.seen;
      await killHard(css!.child);
      css = undefined;
      // Sensors keep sending while the pod server is down: the outbox takes them.
      await post(setup.httpUrl, sent, base, 1000, 50);
      await new Promise((resolve) => setTimeout(resolve, POD_DOWN_MS));
      css = await startPodServerProcess(cssDir, cssPort);

      expect(await outboxDrained(setup.dataDir, gateway.pid, 120_000)).toBe(true);
      const figures = await count(home, sent);
      record({ sent: sent.length, inPod: figures.inPod, lost: figures.lost, duplicated: figures.duplicated });
      expect(figures).toMatchObject({ lost: 0, duplicated: 0, inPod: sent.length });
      await killHard(gateway);
    },
    240_000,
  );

  fault(
    'podErrors',
    `pod server stopped and its port answering 500 and 503 in turn for ${POD_ERRORS_MS / 1000} s while sensors send, then the pod server started again`,
    async (record) => {
      const home = await newHome();
      const setup = await gatewaySetup(home);
      const gateway = startGatewayProcess(setup.configFile);
      expect(await waitFor(() => healthy(setup), 60_000)).toBe(true);
      const sent: SentReading[] = [];
      const base = Date.now() - 3000 * 6 * 60_000 - 3_600_000;
      await post(setup.httpUrl, sent, base, 0, 100);
      expect(await outboxDrained(setup.dataDir, gateway.pid, 60_000)).toBe(true);

      await killHard(css!.child);
      css = undefined;
      const errors = await serveErrors(cssPort);
      const until = Date.now() + POD_ERRORS_MS;
      for (let first = 100; Date.now() < until; first += 20) {
        await post(setup.httpUrl, sent, base, first, 20);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const during = await readStatusFile(setup.dataDir);
      await closeServer(errors);
      css = await startPodServerProcess(cssDir, cssPort);

      expect(await outboxDrained(setup.dataDir, gateway.pid, 120_000)).toBe(true);
      const figures = await count(home, sent);
      record({ sent: sent.length, inPod: figures.inPod, lost: figures.lost, duplicated: figures.duplicated });
      expect(during?.failures).toBeGreaterThan(0);
      expect(figures).toMatchObject({ lost: 0, duplicated: 0, inPod: sent.length });
      await killHard(gateway);
    },
    240_000,
  );

  fault(
    'powerCut',
    'gateway process SIGKILLed right after its HTTP input answered 202 for 500 entries, before any flush (flush interval 1 h); started again on the same outbox',
    async (record) => {
      const home = await newHome();
      const setup = await gatewaySetup(home, 3600);
      const first = startGatewayProcess(setup.configFile);
      expect(await waitFor(() => healthy(setup), 60_000)).toBe(true);
      const sent: SentReading[] = [];
      await post(setup.httpUrl, sent, Date.now() - 500 * 6 * 60_000 - 3_600_000, 0, 500);
      await killHard(first);
      // Nothing had reached the pod: every reading was only in the outbox on disk.
      expect((await count(home, sent)).inPod).toBe(0);

      const second = startGatewayProcess(setup.configFile);
      expect(await outboxDrained(setup.dataDir, second.pid, 120_000)).toBe(true);
      const figures = await count(home, sent);
      record({ sent: sent.length, inPod: figures.inPod, lost: figures.lost, duplicated: figures.duplicated });
      expect(figures).toMatchObject({ lost: 0, duplicated: 0, inPod: sent.length });
      await killHard(second);
    },
    180_000,
  );

  fault(
    'clockAhead',
    "gateway's clock set 10 min ahead of the pod server's (injected clock); 120 readings stamped by it across an hour boundary, some in the pod server's future",
    async (record) => {
      const home = await newHome();
      const skewMs = 10 * 60_000;
      const gatewayNow = () => new Date(Date.now() + skewMs);
      const settings = await home.settings({ http: { port: 0, host: '127.0.0.1', token: TOKEN } });
      const gateway = await startGateway(settings, {
        logger: createLogger('gateway', 'silent'),
        now: gatewayNow,
      });
      try {
        const sent: SentReading[] = [];
        // 60 entries a minute apart, ending at the gateway's now: the last ten are in the pod server's future.
        const base = gatewayNow().getTime() - 59 * 60_000;
        const entries = Array.from({ length: 60 }, (_, n) => ({
          device: 'living-th1',
          time: new Date(base + n * 60_000).toISOString(),
          values: { temperature: 18 + n / 10, humidity: 50 + (n % 20) },
        }));
        const response = await fetch(`${gateway.httpUrl}readings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({ readings: entries }),
        });
        expect(response.status).toBe(202);
        for (const entry of entries) {
          sent.push({ property: 'temperature', time: new Date(entry.time), value: entry.values.temperature });
          sent.push({ property: 'humidity', time: new Date(entry.time), value: entry.values.humidity });
        }
        await gateway.scheduler.drain(60_000);
        const figures = await count(home, sent);
        record({
          sent: sent.length,
          inPod: figures.inPod,
          lost: figures.lost,
          duplicated: figures.duplicated,
        });
        expect(figures).toMatchObject({ lost: 0, duplicated: 0, misfiled: 0, inPod: sent.length });
      } finally {
        await gateway.stop({ finalFlushMs: 0 });
      }
    },
    120_000,
  );
});
