// Fault suite: the gateway process is killed with SIGKILL mid-flush and started again; every accepted reading lands exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../src/free-port.ts';
import {
  createGatewayHome,
  freshDataDir,
  snapshotPod,
  outboxDrained,
  waitFor,
  writeGatewayConfigFile,
  type GatewayHome,
  removeDataDirs,
} from '../gateway/gateway-home.ts';
import { countReadings, podObservations, type SentReading } from '../helpers/pod-observations.ts';
import { fault } from './fault.ts';

const TOKEN = 'crash-token-0123456789abcdef';
const READINGS = 1000;
const CLI = join(import.meta.dirname, '../../bin/homedata.js');

let home: GatewayHome;
let dataDir: string;
let configFile: string;
let httpPort: number;
const children: ChildProcess[] = [];

beforeAll(async () => {
  home = await createGatewayHome(inject('podServer'));
  dataDir = await freshDataDir();
  httpPort = await findFreePort();
  configFile = await writeGatewayConfigFile(home, dataDir, {
    http: { port: httpPort, token: TOKEN },
    flush: { intervalSeconds: 1, maxReadings: 100_000 },
    retry: { baseMs: 200, maxMs: 1000 },
  });
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await home?.resident.agent.logout();
  await home?.gateway.agent.logout();
  await removeDataDirs();
});

/** Starts `homedata gateway run` as a child process logging at debug level; `onLog` sees each log line. */
function startChild(onLog: (entry: { msg?: string }) => void): ChildProcess {
  const child = spawn(process.execPath, [CLI, 'gateway', 'run', '--config', configFile], {
    env: { ...process.env, HOMEDATA_LOG_LEVEL: 'debug', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      onLog(JSON.parse(line) as { msg?: string });
    } catch {
      // not a log line
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return child;
}

/** Resolves when the child exits, with its code or signal. */
function exited(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child.exitCode ?? child.signalCode!);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal!)));
}

/** Whether the child's HTTP input answers. */
async function healthy(): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${httpPort}/health`)).ok;
  } catch {
    return false;
  }
}

describe('gateway killed mid-flush', () => {
  fault(
    'gatewayKilled',
    'gateway process (`homedata gateway run`) SIGKILLed after the first document of a 1,000-entry flush, started again on the same outbox',
    async (record) => {
      let documentsWritten = 0;
      let firstWrite: () => void = () => undefined;
      const wrote = new Promise<void>((resolve) => {
        firstWrite = resolve;
      });
      const first = startChild((entry) => {
        if (entry.msg === 'document written' && ++documentsWritten === 1) firstWrite();
      });
      expect(await waitFor(healthy, 60_000, 200)).toBe(true);

      // 1,000 instants 6 minutes apart, two readings each: 100 hourly documents, so the flush takes many patches.
      const base = Date.now() - READINGS * 6 * 60_000 - 3_600_000;
      let accepted = 0;
      const sent: SentReading[] = [];
      for (let start = 0; start < READINGS; start += 500) {
        const readings = Array.from({ length: 500 }, (_, offset) => ({
          device: 'living-th1',
          time: new Date(base + (start + offset) * 6 * 60_000).toISOString(),
          values: { temperature: 15 + ((start + offset) % 100) / 10, humidity: 40 + ((start + offset) % 30) },
        }));
        const response = await fetch(`http://127.0.0.1:${httpPort}/readings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({ readings }),
        });
        expect(response.status).toBe(202);
        accepted += ((await response.json()) as { accepted: number }).accepted;
        for (const { time, values } of readings) {
          sent.push({ property: 'temperature', time: new Date(time), value: values.temperature });
          sent.push({ property: 'humidity', time: new Date(time), value: values.humidity });
        }
      }
      expect(accepted).toBe(READINGS * 2);

      await wrote;
      first.kill('SIGKILL');
      expect(await exited(first)).toBe('SIGKILL');
      const atKill = await snapshotPod(home.resident.agent, home.layout.readings);
      // Killed mid-flush: some readings are in the pod, not all.
      expect(atKill.observations).toBeGreaterThan(0);
      expect(atKill.observations).toBeLessThan(accepted);

      const second = startChild(() => undefined);
      expect(await outboxDrained(dataDir, second.pid, 120_000)).toBe(true);
      second.kill('SIGTERM');
      expect(await exited(second)).toBe(0);

      const figures = countReadings(
        sent,
        await podObservations(home.resident.agent.fetch, home.layout.readings),
      );
      record({ sent: sent.length, inPod: figures.inPod, lost: figures.lost, duplicated: figures.duplicated });
      expect(figures).toMatchObject({ lost: 0, duplicated: 0, inPod: accepted });
    },
  );

  it('reports the stopped gateway’s outbox with `gateway status`', async () => {
    const child = spawn(process.execPath, [CLI, 'gateway', 'status', '--config', configFile, '--json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    expect(await exited(child)).toBe(0);
    const status = JSON.parse(output) as {
      state: string;
      pending: number;
      lastFlush?: { at: string };
      quarantined: number;
    };
    expect(status).toMatchObject({ state: 'stopped', pending: 0, quarantined: 0 });
    expect(status.lastFlush?.at).toEqual(expect.any(String));
  });
});
