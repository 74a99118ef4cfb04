// The broker a memory bench measures: in the bench's own process, or as its own `homedata-broker` process (compiled,
// in the broker's memory profile) whose memory a preloaded probe (broker-memory-probe.mjs) reports.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  openBrokerDatabase,
  startBroker,
  type BrokerConfigInput,
  type Database,
} from '../src/broker/index.ts';
import { findFreePort } from '../src/free-port.ts';
import { createLogger } from '../src/logging.ts';
import { startBrokerProcess } from '../test/faults/fault-processes.ts';
import { startMemorySampler, type MemoryReading } from './broker-memory-probe.mjs';
import { residentParts } from './process-memory.ts';

/** The broker's process as a memory bench needs to know it: figures so far, and the flags they depend on. */
export type MemoryProfile = Pick<MemoryReading, 'nodeFlags' | 'mallocArenaMax'>;

/** A running broker under measurement. */
export interface BrokerUnderTest {
  readonly url: string;
  /** Its database, for the bench's seeding and polling (a second connection when the broker is a child). */
  readonly db: Database;
  /** Where the memory figures come from, for the report. */
  readonly measured: 'bench process (broker in it)' | 'homedata-broker process';
  memory(): Promise<MemoryReading>;
  /** Its resident set split into shared and private pages (a child only: in process the bench's share is in it). */
  residentParts(): Promise<{ sharedMb: number; privateMb: number } | null>;
  stop(): Promise<void>;
}

/** Starts the broker in this process; its memory is this process's, sampled every 20 ms. */
async function inProcess(config: BrokerConfigInput): Promise<BrokerUnderTest> {
  const broker = await startBroker(config, { logger: createLogger('bench-broker-sim', 'warn') });
  const sampler = startMemorySampler();
  return {
    url: broker.url,
    db: broker.db,
    measured: 'bench process (broker in it)',
    memory: () => Promise.resolve(sampler.reading()),
    residentParts: () => Promise.resolve(null),
    stop: async () => {
      sampler.stop();
      await broker.stop();
    },
  };
}

/** Brings dist/ up to date, so that `homedata-broker` runs the compiled broker (no tsx in its memory). */
async function buildCompiled(): Promise<void> {
  const build = spawn(process.execPath, ['scripts/build-node.js'], { stdio: 'ignore' });
  const code = await new Promise((done) => build.once('exit', done));
  if (code !== 0) throw new Error(`scripts/build-node.js exited with ${String(code)}`);
}

/** Starts `homedata-broker --config FILE` on PostgreSQL with the memory probe preloaded. */
async function asProcess(config: BrokerConfigInput, dir: string): Promise<BrokerUnderTest> {
  if (config.databaseUrl === undefined) throw new Error('a broker process needs PostgreSQL (--database-url)');
  await buildCompiled();
  const file = join(dir, 'broker.json');
  const probeFile = join(dir, 'broker-memory.json');
  await writeFile(file, JSON.stringify({ ...config, port: await findFreePort() }));
  const probe = join(import.meta.dirname, 'broker-memory-probe.mjs');
  const child = await startBrokerProcess(file, {
    memoryProfile: true,
    logLevel: 'warn',
    env: {
      NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import ${probe}`.trim(),
      HOMEDATA_MEMORY_PROBE_FILE: probeFile,
    },
  });
  const db = await openBrokerDatabase({
    kind: 'postgres',
    url: config.databaseUrl,
    ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }),
  });
  const memory = async (): Promise<MemoryReading> => {
    for (;;) {
      try {
        return JSON.parse(await readFile(probeFile, 'utf8')) as MemoryReading;
      } catch {
        // Not written yet: the probe reports every 200 ms.
        await new Promise((done) => setTimeout(done, 50));
      }
    }
  };
  return {
    url: child.url,
    db,
    measured: 'homedata-broker process',
    memory,
    residentParts: () => residentParts(child.child.pid!),
    stop: async () => {
      await db.close();
      const exited = new Promise((done) => child.child.once('exit', done));
      child.child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Starts the broker to measure: in this process, or (`asChild`) as its own `homedata-broker` process in `dir`. */
export function startBrokerUnderTest(
  config: BrokerConfigInput,
  { asChild, dir }: { asChild: boolean; dir: string },
): Promise<BrokerUnderTest> {
  return asChild ? asProcess(config, dir) : inProcess(config);
}
