// Starts `homedata helper-aggregator` as its own OS process with its own key file, as an independent party would run it.
import { spawn, type ChildProcess } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNewKeyFile } from '../../src/broker/private-aggregation/helper-config.ts';
import type { LeaderConfig } from '../../src/broker/private-aggregation/leader-config.ts';
import { findFreePort } from '../../src/free-port.ts';

const BIN = fileURLToPath(new URL('../../bin/homedata.js', import.meta.url));

/** A running helper process, the broker's `privateAggregation` block that points at it, and its output. */
export interface HelperProcess {
  leaderConfig: LeaderConfig;
  /** Everything the helper wrote to stdout and stderr (its logs). */
  output: () => string;
  stop(): Promise<void>;
}

/**
 * Makes key files for leader and helper, a shared verify key and token, starts the helper on a free port and
 * waits until it listens. `helperWebId` is the identity residents grant Read on their reports.
 */
export async function startHelperProcess(helperWebId: string): Promise<HelperProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'homedata-prio3-'));
  const helperKeyFile = join(dir, 'helper-key.json');
  const leaderKeyFile = join(dir, 'leader-key.json');
  const [helperPublicKey] = await Promise.all([
    writeNewKeyFile(helperKeyFile),
    writeNewKeyFile(leaderKeyFile),
  ]);
  const port = await findFreePort();
  const verifyKey = randomBytes(16).toString('base64');
  const token = randomBytes(24).toString('hex');
  const configFile = join(dir, 'helper.json');
  await writeFile(
    configFile,
    JSON.stringify({ port, keyFile: 'helper-key.json', verifyKey, leaderToken: token, minimumBatch: 10 }),
  );
  const child: ChildProcess = spawn(process.execPath, [BIN, 'helper-aggregator', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('helper aggregator listening')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`helper exited with ${code}: ${output}`)));
  });
  return {
    leaderConfig: {
      keyFile: leaderKeyFile,
      verifyKey,
      helper: { url: `http://127.0.0.1:${port}/`, webId: helperWebId, publicKey: helperPublicKey, token },
    },
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        // server.close waits for idle keep-alive connections of the leader's fetch; do not wait for them long.
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
