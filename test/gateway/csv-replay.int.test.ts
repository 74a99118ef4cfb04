// Integration: `homedata gateway replay` of a CSV into a real pod, twice; the second replay changes nothing.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startGateway } from '../../src/gateway/index.ts';
import { parseColumnSpec, replayCsv, type ReplayReport } from '../../src/gateway/replay.ts';
import { createLogger } from '../../src/logging.ts';
import { readTurtle } from '../../src/pod/resource-read.ts';
import { TERMS, validateAgainstShapes } from '../../src/vocab/index.ts';
import {
  createGatewayHome,
  freshDataDir,
  snapshotPod,
  type GatewayHome,
  type PodSnapshot,
  removeDataDirs,
} from './gateway-home.ts';

const CLI = join(import.meta.dirname, '../../bin/homedata.js');
const COLUMNS = ['temp_f=living-room/temperature:degF', 'rh=living-room/humidity', 'co2=bedroom-1/co2'];
const DAYS = ['2026-01-05', '2026-01-06', '2026-01-07'];

let home: GatewayHome;
let dataDir: string;
let csvFile: string;

beforeAll(async () => {
  home = await createGatewayHome(inject('podServer'));
  dataDir = await mkdtemp(join(tmpdir(), 'homedata-gateway-demo-'));
  const { identity } = home.resident;
  const gateway = home.gateway.identity;
  await writeFile(
    join(dataDir, 'demo.json'),
    JSON.stringify({
      podServer: identity.issuer,
      broker: null,
      residents: [
        {
          email: identity.email,
          password: 'unused',
          webId: identity.webId,
          pod: identity.pod,
          area: 'E05018412',
        },
      ],
      gateways: [{ webId: gateway.webId, home: identity.webId }],
      brokerWebId: gateway.webId,
      councils: [],
    }),
  );
  await writeFile(
    join(dataDir, 'identities.json'),
    JSON.stringify({
      gateways: [
        {
          home: identity.webId,
          webId: gateway.webId,
          issuer: gateway.issuer,
          clientId: gateway.clientId,
          clientSecret: gateway.clientSecret,
        },
      ],
    }),
  );
  // Three local days, hourly, times in London local time; one row has a cell that is not a number.
  const rows = ['time,temp_f,rh,co2,notes'];
  for (const day of DAYS) {
    for (let hour = 0; hour < 24; hour++) {
      const co2 = day === '2026-01-06' && hour === 12 ? 'n/a' : String(600 + hour * 40);
      rows.push(
        `${day} ${String(hour).padStart(2, '0')}:00,${(62 + (hour % 8)).toFixed(1)},${55 + (hour % 20)},${co2},ok`,
      );
    }
  }
  csvFile = join(dataDir, 'history.csv');
  await writeFile(csvFile, `${rows.join('\n')}\n`);
});

afterAll(async () => {
  await home?.resident.agent.logout();
  await home?.gateway.agent.logout();
  await removeDataDirs();
  await rm(dataDir, { recursive: true, force: true });
});

/** Replays the CSV in process through a gateway on `outboxDir`. */
async function replayInProcess(outboxDir?: string): Promise<ReplayReport> {
  const settings = await home.settings(
    outboxDir ? { dataDir: outboxDir, quarantineFile: join(outboxDir, 'quarantine.jsonl') } : {},
  );
  const gateway = await startGateway(settings, { logger: createLogger('gateway', 'silent'), manual: true });
  try {
    return await replayCsv(gateway, {
      file: csvFile,
      mapping: { timeColumn: 'time', timeZone: 'Europe/London', columns: COLUMNS.map(parseColumnSpec) },
    });
  } finally {
    await gateway.stop({ finalFlushMs: 0 });
  }
}

/** Runs `homedata gateway replay --manifest … --home 1 --csv FILE …ARGS --json` as a child process. */
async function runReplayCli(
  file: string,
  args: string[],
): Promise<{ code: number | null; output: string; errors: string }> {
  const manifest = join(dataDir, 'demo.json');
  const replay = [
    'gateway',
    'replay',
    '--manifest',
    manifest,
    '--home',
    '1',
    '--csv',
    file,
    '--json',
    '--no-progress',
  ];
  const child = spawn(process.execPath, [CLI, ...replay, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output, errors };
}

/** The JSON report of a CLI replay that must have succeeded. */
function reportOf(run: { code: number | null; output: string; errors: string }): ReplayReport {
  expect(run.errors).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.output.trim().split('\n').at(-1)!) as ReplayReport;
}

/** Replays the test's CSV with the CLI on `outboxDir`, with the same mapping as `replayInProcess`. */
async function replayWithCli(outboxDir: string): Promise<ReplayReport> {
  const args = ['--data-dir', outboxDir, '--time-column', 'time', '--timezone', 'Europe/London'];
  for (const column of COLUMNS) args.push('--column', column);
  return reportOf(await runReplayCli(csvFile, args));
}

/** ETag and triple count of every readings and summaries document. */
async function podState(): Promise<{ readings: PodSnapshot; summaries: PodSnapshot }> {
  return {
    readings: await snapshotPod(home.resident.agent, home.layout.readings),
    summaries: await snapshotPod(home.resident.agent, home.layout.summaries, TERMS.hd.DailySummary),
  };
}

describe('CSV replay', () => {
  let first: Awaited<ReturnType<typeof podState>>;
  let outboxDir: string;

  it('writes every good reading and the complete days’ summaries, shape-valid', async () => {
    outboxDir = await freshDataDir();
    const report = await replayInProcess(outboxDir);
    expect(report).toMatchObject({
      rows: 72,
      accepted: 72 * 3 - 1,
      duplicates: 0,
      quarantined: 1,
      delivered: 72 * 3 - 1,
    });
    first = await podState();
    expect(first.readings.observations).toBe(72 * 3 - 1);
    expect(first.readings.repeated).toEqual([]);
    // Local days in London (UTC in January): 3 days × 24 hours, one flush: one document in each hour's container.
    expect(first.readings.documents.size).toBe(72);
    const hours = new Set([...first.readings.documents.keys()].map((url) => url.replace(/[^/]+$/, '')));
    expect(hours.size).toBe(72);
    // One summary per property, room and day.
    expect(first.summaries.observations).toBe(3 * DAYS.length);
    expect(
      [...first.summaries.documents.keys()].map((url) => url.slice(home.layout.summaries.length)).sort(),
    ).toEqual(['co2/2026-01.ttl', 'humidity/2026-01.ttl', 'temperature/2026-01.ttl']);
    for (const url of first.summaries.documents.keys()) {
      const document = await readTurtle(home.resident.agent.fetch, url);
      expect((await validateAgainstShapes(document!.store)).results).toEqual([]);
    }
    // °F converted: 62 °F is 16.666667 °C.
    const humidity = await readTurtle(
      home.resident.agent.fetch,
      `${home.layout.summaries}humidity/2026-01.ttl`,
    );
    expect(humidity!.store.countQuads(null, TERMS.hd.dewPointMean, null, null)).toBe(DAYS.length);
    const hour = home.layout.readingsHour(new Date('2026-01-05T00:00:00Z'));
    const sample = await readTurtle(
      home.resident.agent.fetch,
      [...first.readings.documents.keys()].find((url) => url.startsWith(hour))!,
    );
    expect(sample!.store.getObjects(null, TERMS.qudt.numericValue, null).map((term) => term.value)).toContain(
      '16.666667',
    );
  });

  it('writes nothing when the same CSV is replayed again (`homedata gateway replay --manifest --home 1`)', async () => {
    const report = await replayWithCli(outboxDir);
    expect(report).toMatchObject({
      rows: 72,
      accepted: 0,
      duplicates: 72 * 3 - 1,
      quarantined: 1,
      delivered: 0,
      writes: 0,
    });
    const again = await podState();
    expect(again.readings.documents).toEqual(first.readings.documents);
    expect(again.summaries.documents).toEqual(first.summaries.documents);
  });

  it('adds no triple even from a fresh outbox that remembers nothing (the pod keeps identical triples once)', async () => {
    const report = await replayInProcess();
    expect(report.accepted).toBe(72 * 3 - 1);
    expect(report.writes).toBeGreaterThan(0);
    const again = await podState();
    const triples = (snapshot: PodSnapshot) =>
      [...snapshot.documents].map(([url, { triples: count }]) => [url, count]);
    expect(triples(again.readings)).toEqual(triples(first.readings));
    expect(triples(again.summaries)).toEqual(triples(first.summaries));
    expect(again.readings.observations).toBe(first.readings.observations);
  });
});

describe('CSV replay with --time-format: the UCI sample file’s bathroom columns', () => {
  // 300 rows of `2016/3/26 0:00`-style times; the file's clock is UTC+1 all year (fixtures/README.md).
  const sample = join(import.meta.dirname, 'fixtures/uci-bathroom-2016-03-26.csv');
  const mapping = [
    '--time-column',
    'date',
    '--column',
    'T5=bathroom/temperature',
    '--column',
    'RH_5=bathroom/humidity',
    '--timezone',
    'Etc/GMT-1',
  ];
  const readings2016 = () => snapshotPod(home.resident.agent, `${home.layout.readings}2016/`);

  it('lands every row in the pod (fails before --time-format: every row was "not a time")', async () => {
    const outbox = await freshDataDir();
    const report = reportOf(
      await runReplayCli(sample, [...mapping, '--time-format', 'yyyy/M/d H:mm', '--data-dir', outbox]),
    );
    expect(report).toMatchObject({ rows: 300, accepted: 600, duplicates: 0, quarantined: 0, delivered: 600 });
    const pod = await readings2016();
    expect(pod.observations).toBe(600);
    expect(pod.values).toBe(600);
    expect(pod.repeated).toEqual([]);
    // 2016/3/26 0:00 at UTC+1 is 25 March 23:00Z; 2016/3/28 1:50 is 28 March 00:50Z: 50 hours, one document each.
    expect(pod.documents.size).toBe(50);
    const urls = [...pod.documents.keys()];
    for (const time of ['2016-03-25T23:00:00Z', '2016-03-28T00:50:00Z']) {
      expect(urls.filter((url) => url.startsWith(home.layout.readingsHour(new Date(time))))).toHaveLength(1);
    }
  });

  it('refuses a format that does not fit, with a message and exit code 2, and writes nothing', async () => {
    const before = await readings2016();
    const wrong = await runReplayCli(sample, [
      ...mapping,
      '--time-format',
      'yyyy-MM-dd HH:mm',
      '--data-dir',
      await freshDataDir(),
    ]);
    expect(wrong.code).toBe(2);
    expect(wrong.errors).toContain(
      'homedata: config error: --time-format "yyyy-MM-dd HH:mm" does not read the first time, "2016/3/26 0:00"',
    );
    const noDay = await runReplayCli(sample, [
      ...mapping,
      '--time-format',
      'HH:mm',
      '--data-dir',
      await freshDataDir(),
    ]);
    expect(noDay.code).toBe(2);
    expect(noDay.errors).toContain(
      '--time-format "HH:mm" has no year (yyyy), month (M, MM or MMM), day (d or dd)',
    );
    expect((await readings2016()).documents).toEqual(before.documents);
  });
});
