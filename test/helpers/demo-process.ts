// Runs `homedata demo` as a child process, the way a user would, and waits for its manifest.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findFreePort } from '../../src/free-port.ts';
import { manifestSchema, type DemoManifest } from '../../src/demo/demo-files.ts';

export interface DemoProcess {
  child: ChildProcess;
  manifest: DemoManifest;
  output: () => string;
  podPort: number;
  brokerPort: number;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the demo in `dataDir` and resolves once it printed that it is running. */
export async function startDemoProcess(
  dataDir: string,
  options: {
    homes: number;
    liveHomes?: number;
    podPort?: number;
    brokerPort?: number;
    timeoutMs?: number;
    /** `--private-aggregation`: a helper aggregator process and a prio3 request run through both. */
    privateAggregation?: boolean;
  },
): Promise<DemoProcess> {
  const podPort = options.podPort ?? (await findFreePort());
  const brokerPort = options.brokerPort ?? (await findFreePort());
  const child = spawn(
    process.execPath,
    [
      'bin/homedata.js',
      'demo',
      '--data-dir',
      dataDir,
      '--pod-port',
      String(podPort),
      '--broker-port',
      String(brokerPort),
      '--homes',
      String(options.homes),
      // One live gateway is enough to prove the wiring; each costs an outbox and a backfill on a busy machine.
      '--live-homes',
      String(options.liveHomes ?? 1),
      ...(options.privateAggregation ? ['--private-aggregation'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOMEDATA_LOG_LEVEL: 'warn' } },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A demo that never got going must not outlive the test: it holds ports and a data folder.
      child.kill('SIGKILL');
      reject(new Error(`demo did not start in time:\n${output}`));
    }, options.timeoutMs ?? 150_000);
    const poll = setInterval(() => {
      if (output.includes('homedata demo is running')) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code}:\n${output}`));
    });
  });
  const manifest = manifestSchema.parse(JSON.parse(await readFile(join(dataDir, 'demo.json'), 'utf8')));
  return {
    child,
    manifest,
    output: () => output,
    podPort,
    brokerPort,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
