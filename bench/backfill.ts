// Backfill benchmark: one home's history of 1-minute readings (two properties) replayed from CSV through the gateway
// into a fresh CSS, with readings per pod write and writes/s beside the raw authenticated PUT rate of that server.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { replayCsv } from '../src/gateway/csv-replay.ts';
import { startGateway, type Gateway } from '../src/gateway/index.ts';
import { createLogger } from '../src/logging.ts';
import { writeTurtle } from '../src/pod/resource-write.ts';
import { loginWithClientCredentials } from '../src/pod/solid-session.ts';
import { measureRate, provisionHomes, startPodServerProcess } from './gateway.ts';

/** What to measure. */
export interface BackfillBenchOptions {
  /** Days of history, one reading a minute of each property (365: the issue's year, ≈1.05 M readings). */
  days: number;
  /** Concurrent clients and seconds of the raw PUT measurement. */
  putClients: number;
  putSeconds: number;
}

export const DEFAULT_OPTIONS: BackfillBenchOptions = { days: 365, putClients: 16, putSeconds: 10 };

/** The history's first minute: a whole past year, 2025 in UTC. */
const FIRST = Date.UTC(2025, 0, 1);

/**
 * Writes `days` of 1-minute rows (`time,t,rh`): a daily temperature swing around 19 °C and humidity that follows it,
 * enough for the summaries to have something to count.
 */
async function writeHistoryCsv(file: string, days: number): Promise<number> {
  const out = createWriteStream(file);
  out.write('time,t,rh\n');
  const rows = days * 24 * 60;
  for (let minute = 0; minute < rows; minute++) {
    const phase = ((minute % 1440) / 1440) * 2 * Math.PI;
    const temperature = (19 + 2.5 * Math.sin(phase)).toFixed(2);
    const humidity = (62 - 8 * Math.sin(phase) + ((minute * 7) % 5)).toFixed(1);
    const line = `${new Date(FIRST + minute * 60_000).toISOString()},${temperature},${humidity}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

/** A progress bar on stderr when it is a terminal, as `homedata gateway replay` shows. */
function progressBar(label: string): SingleBar | undefined {
  if (!process.stderr.isTTY) return undefined;
  return new SingleBar(
    { format: `${label} {bar} {percentage}% | {value}/{total}`, stream: process.stderr },
    Presets.shades_classic,
  );
}

/** Runs the backfill on a fresh CSS (its own process) and prints a table and one JSON line. */
export async function runBackfillBench(options: BackfillBenchOptions): Promise<Record<string, number>> {
  const root = await mkdtemp(join(tmpdir(), 'homedata-bench-backfill-'));
  const server = await startPodServerProcess(join(root, 'css'));
  let gateway: Gateway | undefined;
  try {
    const [home] = await provisionHomes(server.url, 1);
    const csv = join(root, 'history.csv');
    const rows = await writeHistoryCsv(csv, options.days);

    const resident = await loginWithClientCredentials(home!.resident);
    const small = Array.from({ length: 10 }, (_, i) => `<#s${i}> <http://example.org/p> "${i}" .`).join('\n');
    const putPerSecond = await measureRate(options.putClients, options.putSeconds, (client, index) =>
      writeTurtle(resident.fetch, `${home!.resident.pod}bench/put-${client}-${index}.ttl`, small),
    );
    await resident.logout();

    const dataDir = join(root, 'gateway');
    gateway = await startGateway(
      {
        dataDir,
        pod: home!.resident.pod,
        timeZone: 'Europe/London',
        credentials: home!.gateway,
        devices: {},
        flush: { intervalMs: 5 * 60_000, maxReadings: 500 },
        summaries: { enabled: true, graceMs: 0 },
        retry: { baseMs: 500, maxMs: 5000 },
        maxClockSkewMs: 120_000,
        dedupRetentionDays: 400,
        quarantineFile: join(dataDir, 'quarantine.jsonl'),
      },
      { logger: createLogger('gateway', 'silent'), manual: true },
    );
    await gateway.pod.login();
    const ingestBar = progressBar('ingest');
    const flushBar = progressBar('pod   ');
    const started = performance.now();
    let ingestSeconds = 0;
    const report = await replayCsv(gateway, {
      file: csv,
      mapping: {
        timeColumn: 'time',
        timeZone: 'Europe/London',
        columns: [
          { column: 't', room: 'living-room', property: 'temperature' },
          { column: 'rh', room: 'living-room', property: 'humidity' },
        ],
      },
      drainTimeoutMs: 60 * 60_000,
      progress: {
        ingest: (bytes, total) => {
          if (ingestBar && !ingestBar.isActive) ingestBar.start(total, 0);
          ingestBar?.update(bytes);
          if (bytes === total) {
            ingestBar?.stop();
            ingestSeconds = (performance.now() - started) / 1000;
          }
        },
        flush: (delivered, total) => {
          if (flushBar && !flushBar.isActive) flushBar.start(total, 0);
          flushBar?.update(delivered);
        },
      },
    });
    flushBar?.stop();
    const seconds = (performance.now() - started) / 1000;
    const writeSeconds = seconds - ingestSeconds;
    const result = {
      days: options.days,
      rows,
      readings: report.accepted,
      delivered: report.delivered,
      quarantined: report.quarantined,
      podWrites: report.writes,
      readingsPerWrite: report.delivered / report.writes,
      seconds,
      ingestSeconds,
      writeSeconds,
      ingestReadingsPerSecond: report.accepted / ingestSeconds,
      podWritesPerSecond: report.writes / writeSeconds,
      putPerSecond,
    };
    const lines: [string, string][] = [
      ['history', `${options.days} days, 1-minute rows, temperature and humidity`],
      ['rows / readings', `${rows} / ${report.accepted} (${report.quarantined} quarantined)`],
      ['readings delivered', String(report.delivered)],
      ['pod writes (flush documents and summaries)', String(report.writes)],
      ['readings per pod write', result.readingsPerWrite.toFixed(1)],
      ['wall time (s)', seconds.toFixed(1)],
      ['  into the outbox (s)', ingestSeconds.toFixed(1)],
      ['  to the pod (s)', writeSeconds.toFixed(1)],
      ['outbox readings / s', result.ingestReadingsPerSecond.toFixed(0)],
      ['pod writes / s', result.podWritesPerSecond.toFixed(1)],
      [`raw PUT / s (${options.putClients} clients, 10 triples)`, putPerSecond.toFixed(1)],
    ];
    const width = Math.max(...lines.map(([label]) => label.length));
    process.stdout.write(`${lines.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`);
    process.stdout.write(`${JSON.stringify({ bench: 'backfill', ...result })}\n`);
    return result;
  } finally {
    await gateway?.stop({ finalFlushMs: 0 });
    const exited = once(server.child, 'exit');
    server.child.kill('SIGTERM');
    await exited;
    await rm(root, { recursive: true, force: true });
  }
}

/** `npm run bench -- backfill [--days N] [--put-clients N] [--put-seconds N]`. */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      days: { type: 'string' },
      'put-clients': { type: 'string' },
      'put-seconds': { type: 'string' },
    },
  });
  const number = (value: string | undefined, fallback: number): number => {
    const parsed = value === undefined ? fallback : Number(value);
    if (!(parsed > 0)) throw new Error(`expected a positive number, got ${value}`);
    return parsed;
  };
  await runBackfillBench({
    days: number(values.days, DEFAULT_OPTIONS.days),
    putClients: number(values['put-clients'], DEFAULT_OPTIONS.putClients),
    putSeconds: number(values['put-seconds'], DEFAULT_OPTIONS.putSeconds),
  });
}
