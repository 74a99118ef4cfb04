// `homedata helper-aggregator`: keygen, and a config without the helper's own identity refused at start. The helper
// process collecting with a leader over real pods is in test/broker/private-aggregation/prio3-runs.int.test.ts.
import { spawn } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/free-port.ts';

const BIN = fileURLToPath(new URL('../../bin/homedata.js', import.meta.url));
let dir: string;

/** Runs the CLI to completion; resolves with its exit code and output. */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const process_ = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    process_.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    process_.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    process_.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('homedata helper-aggregator', () => {
  it('makes a key file once, and will not start without its own identity, the leader and the pod servers', async () => {
    dir = await mkdtemp(join(tmpdir(), 'homedata-helper-'));
    const keyFile = join(dir, 'helper-key.json');
    const keygen = await run(['helper-aggregator', 'keygen', '--out', keyFile]);
    expect(keygen.code).toBe(0);
    const keys = JSON.parse(await readFile(keyFile, 'utf8')) as { publicKey: string; privateKey: string };
    expect(keygen.stdout).toContain(keys.publicKey);
    expect((await run(['helper-aggregator', 'keygen', '--out', keyFile])).code).not.toBe(0);

    const config = join(dir, 'helper.json');
    await writeFile(
      config,
      JSON.stringify({
        port: await findFreePort(),
        keyFile: 'helper-key.json',
        verifyKey: Buffer.alloc(16, 4).toString('base64'),
        leaderToken: 'a-leader-token-of-at-least-32-characters',
      }),
    );
    const refused = await run(['helper-aggregator', '--config', config]);
    expect(refused.code).not.toBe(0);
    const said = refused.stdout + refused.stderr;
    for (const key of ['identity', 'leaderWebId', 'podServers']) expect(said).toContain(key);
  }, 60_000);
});
