// `homedata helper-aggregator`: keygen, then the helper as its own process, and a leader collecting a cell through it.
import { spawn, type ChildProcess } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  collectPrio3Cell,
  httpHelperClient,
} from '../../src/broker/private-aggregation/leader-collection.ts';
import { createLogger } from '../../src/logging.ts';
import { parsePeriod } from '../../src/metrics/index.ts';
import { findFreePort } from '../../src/free-port.ts';
import {
  LEADER,
  createReportFromMeasurement,
  generateAggregatorKeyPair,
  sumEncodingFor,
} from '../../src/private-aggregation/index.ts';

const BIN = fileURLToPath(new URL('../../bin/homedata.js', import.meta.url));
let dir: string;
let child: ChildProcess | undefined;

/** Runs the CLI to completion; resolves with its exit code and stdout. */
function run(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const process_ = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    process_.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    process_.on('exit', (code) => resolve({ code, stdout }));
  });
}

afterAll(async () => {
  if (child?.pid !== undefined) process.kill(child.pid);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('homedata helper-aggregator', () => {
  it('runs as a separate process with its own key file and answers the leader', async () => {
    dir = await mkdtemp(join(tmpdir(), 'homedata-helper-'));
    const keyFile = join(dir, 'helper-key.json');
    const keygen = await run(['helper-aggregator', 'keygen', '--out', keyFile]);
    expect(keygen.code).toBe(0);
    const keys = JSON.parse(await readFile(keyFile, 'utf8')) as { publicKey: string; privateKey: string };
    expect(keygen.stdout).toContain(keys.publicKey);
    expect((await run(['helper-aggregator', 'keygen', '--out', keyFile])).code).not.toBe(0);

    const port = await findFreePort();
    const verifyKey = Buffer.alloc(16, 4);
    const token = 'a-leader-token-of-at-least-32-characters';
    const config = join(dir, 'helper.json');
    await writeFile(
      config,
      JSON.stringify({
        port,
        keyFile: 'helper-key.json',
        verifyKey: verifyKey.toString('base64'),
        leaderToken: token,
      }),
    );
    child = spawn(process.execPath, [BIN, 'helper-aggregator', '--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('helper aggregator listening')) resolve();
      });
      child!.on('exit', (code) => reject(new Error(`helper exited with ${code}`)));
    });

    const leader = await generateAggregatorKeyPair();
    const task = {
      id: 'process-task',
      aggregators: [
        { id: 'https://broker.example/id#broker', publicKey: leader.publicKey },
        { id: 'https://helper.example/id#helper', publicKey: Buffer.from(keys.publicKey, 'base64') },
      ],
    } as const;
    const encoding = sumEncodingFor('temperature.mean', parsePeriod('2026-01'));
    const measurements = Array.from({ length: 10 }, (_, i) => BigInt(180 + i * 3));
    const reports = await Promise.all(
      measurements.map((m) => createReportFromMeasurement(task, encoding, m)),
    );
    const { release } = await collectPrio3Cell(
      {
        keys: { aggregatorId: LEADER, privateKey: leader.privateKey, verifyKey },
        taskId: task.id,
        encoding,
        reports,
        helper: httpHelperClient(`http://127.0.0.1:${port}/`, token),
        k: 10,
      },
      createLogger('broker', 'silent'),
    );
    expect(release).toMatchObject({ suppressed: false, homes: 10, median: null });
    expect(release.mean).toBeCloseTo(19.35, 9);
  }, 60_000);
});
