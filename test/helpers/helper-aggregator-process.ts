// Starts `homedata helper-aggregator` as its own OS process with its own key file, identity and database, as an independent party would run it.
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
import type { Identity } from '../../src/pod/account-api.ts';

const BIN = fileURLToPath(new URL('../../bin/homedata.js', import.meta.url));

/** A running helper process, the broker's `privateAggregation` block that points at it, and its output. */
export interface HelperProcess {
  leaderConfig: LeaderConfig;
  /** The helper's PGlite data folder (its own database). */
  dataDir: string;
  /** Everything the helper wrote to stdout and stderr (its logs), over every start. */
  output: () => string;
  /** Stops the process and starts it again on the same port, key, identity and data folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** What the helper needs beyond its own identity: the leader's WebID, and optionally its database. */
export interface HelperProcessOptions {
  leaderWebId: string;
  /** PostgreSQL URL for the helper's database; default PGlite in a temporary data folder. */
  databaseUrl?: string;
  maxBatchQueryCount?: number;
}

/**
 * Makes key files for leader and helper, a shared verify key and token, starts the helper on a free port with
 * `identity` (its own client credentials; it reads reports on `identity.issuer`'s pod server) and waits until it
 * listens.
 */
export async function startHelperProcess(
  identity: Pick<Identity, 'webId' | 'issuer' | 'clientId' | 'clientSecret'>,
  options: HelperProcessOptions,
): Promise<HelperProcess> {
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
    JSON.stringify({
      port,
      keyFile: 'helper-key.json',
      verifyKey,
      leaderToken: token,
      minimumBatch: 10,
      leaderWebId: options.leaderWebId,
      identity: { issuer: identity.issuer, clientId: identity.clientId, clientSecret: identity.clientSecret },
      podServers: [identity.issuer],
      dataDir: 'helper-data',
      ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
      ...(options.maxBatchQueryCount === undefined ? {} : { maxBatchQueryCount: options.maxBatchQueryCount }),
    }),
  );
  let output = '';
  let child: ChildProcess | undefined;
  const start = async () => {
    const started = spawn(process.execPath, [BIN, 'helper-aggregator', '--config', configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    const from = output.length;
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.slice(from).includes('Helper aggregator listening at')) resolve();
      };
      started.stdout!.on('data', onData);
      started.stderr!.on('data', onData);
      started.once('exit', (code) => reject(new Error(`helper exited with ${code}: ${output.slice(from)}`)));
    });
  };
  const halt = async () => {
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const running = child;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    // A stuck shutdown must not hang the test; PGlite's lock is taken over from a dead process.
    const timer = setTimeout(() => running.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    leaderConfig: {
      keyFile: leaderKeyFile,
      verifyKey,
      helper: { url: `http://127.0.0.1:${port}/`, webId: identity.webId, publicKey: helperPublicKey, token },
    },
    dataDir: join(dir, 'helper-data'),
    output: () => output,
    async restart() {
      await halt();
      await start();
    },
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
