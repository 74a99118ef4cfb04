// Gateway RSS benchmark: `homedata gateway run` processes under steady MQTT ingest, logged in and writing to a real pod
// server (or with the pod unreachable), from source (tsx) and compiled, RSS sampled for minutes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { findFreePort } from '../src/free-port.ts';
import { readStatusFile } from '../src/gateway/index.ts';
import { provisionHomes, startPodServerProcess } from './gateway.ts';
import { startMosquitto } from './intake.ts';
import { residentParts } from './process-memory.ts';

/** How each measured gateway process is started: a command, its arguments before `--config FILE`, its env. */
const MODES = {
  source: {
    what: 'from source through tsx',
    command: process.execPath,
    args: ['bin/homedata.js', 'gateway', 'run'],
    env: { HOMEDATA_FROM_SOURCE: '1' },
  },
  compiled: {
    what: 'compiled, `homedata gateway run`',
    command: process.execPath,
    args: ['bin/homedata.js', 'gateway', 'run'],
    env: {},
  },
  'small-board': {
    what: 'compiled, `homedata-gateway` (small-board profile)',
    command: 'bin/homedata-gateway',
    args: [],
    // The launcher runs `node` from PATH: the same Node as every other row.
    env: { PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` },
  },
} as const;
type Mode = keyof typeof MODES;

/** A process's resident set in MB, from /proc. */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The CPU seconds a process has used (user + system), from /proc (clock ticks of 1/100 s on Linux). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * A process's largest mappings by resident size, in MB, from /proc/PID/smaps: file mappings by path, anonymous ones
 * by their name (`[heap]`, `[anon]`, `[stack]`), so the binary's pages, libraries, ICU data and heaps show apart.
 */
async function largestMappings(pid: number, count: number): Promise<{ mapping: string; rssMb: number }[]> {
  const smaps = await readFile(`/proc/${pid}/smaps`, 'utf8');
  const byMapping = new Map<string, number>();
  let current = '[anon]';
  for (const line of smaps.split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) current = header[1] || '[anon]';
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) byMapping.set(current, (byMapping.get(current) ?? 0) + Number(rss[1]) / 1024);
  }
  return [...byMapping]
    .map(([mapping, rssMb]) => ({ mapping, rssMb }))
    .sort((a, b) => b.rssMb - a.rssMb)
    .slice(0, count);
}

/** The mean of some numbers. */
function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Where a gateway's pod and identity are: a home on the bench's own CSS, or an origin where nothing listens. */
interface PodTarget {
  pod: string;
  identity: { issuer: string; clientId: string; clientSecret: string };
}

/**
 * `npm run bench -- gateway-rss [--minutes 3] [--rate 20] [--modes source,compiled,small-board] [--no-http]
 * [--unreachable-pod] [--compare DIR] [--variant JSON]... [--smaps N]`. `--compare DIR` adds a row for another checkout's
 * compiled build (e.g. main extracted with `git archive`, its node_modules linked, `npm run build:node` run there),
 * started the same way. Each `--variant '{"mode":"…","what":"…","command":"…","args":[…],"env":{…}}'` adds a row
 * started as given (another Node, other flags: `--config FILE` is appended to its arguments); V8 flags must go in
 * `args`, since NODE_OPTIONS refuses most of them. `--smaps N` prints each row's N largest mappings at the end.
 */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string', default: '3' },
      rate: { type: 'string', default: '20' },
      modes: { type: 'string', default: Object.keys(MODES).join(',') },
      // `--no-http`: MQTT alone, as most home gateways run (express stays unloaded).
      'no-http': { type: 'boolean', default: false },
      // The pod unreachable, as this bench measured before issue 12: the outbox grows, but no login ever succeeds.
      'unreachable-pod': { type: 'boolean', default: false },
      compare: { type: 'string' },
      variant: { type: 'string', multiple: true, default: [] },
      smaps: { type: 'string', default: '0' },
    },
  });
  const minutes = Number(values.minutes);
  const modes = values.modes.split(',') as Mode[];
  const rows: { mode: string; what: string; command: string; args: readonly string[]; env: object }[] =
    modes.map((mode) => ({ mode, ...MODES[mode] }));
  if (values.compare) {
    rows.push({
      mode: 'compare',
      what: `compiled, ${values.compare}`,
      command: process.execPath,
      args: [join(values.compare, 'bin/homedata.js'), 'gateway', 'run'],
      env: {},
    });
  }
  for (const variant of values.variant) {
    const row = JSON.parse(variant) as Omit<(typeof rows)[number], 'env'> & { env?: object };
    rows.push({ ...row, env: row.env ?? {} });
  }
  const loadAtStart = loadavg()[0]!;
  const build = spawn(process.execPath, ['scripts/build-node.js'], { stdio: 'inherit' });
  await new Promise((resolve) => build.once('exit', resolve));
  const dir = await mkdtemp(join(tmpdir(), 'homedata-rss-bench-'));
  const broker = await startMosquitto(dir);
  const children: ChildProcess[] = [];
  const samples = new Map<string, number[]>();
  const delivered = new Map<string, number>();
  const parts = new Map<string, { sharedMb: number; privateMb: number }>();
  const cpu = new Map<string, number>();
  const mappings = new Map<string, { mapping: string; rssMb: number }[]>();
  try {
    const targets = await podTargets(dir, rows.length, values['unreachable-pod'], children);
    // All rows at once, so they share the machine's load.
    const gateways = await Promise.all(
      rows.map(async (row, index) => {
        const dataDir = join(dir, row.mode);
        const config = join(dir, `${row.mode}.json`);
        await writeFile(
          config,
          JSON.stringify({
            dataDir,
            ...targets[index],
            devices: { 'living-th1': { room: 'living-room' } },
            mqtt: { url: broker.url, clientId: `rss-${row.mode}`, zigbee2mqttTopic: `rss-${row.mode}` },
            ...(values['no-http']
              ? {}
              : { http: { port: await findFreePort(), token: 'rss-bench-token-0123456789' } }),
            // Unreachable: nothing flushes, so the outbox grows for the whole run (the worst case for memory).
            // Reachable: the default flush (every 500 readings, ~12 s at 40 readings/s), as a home runs.
            ...(values['unreachable-pod']
              ? { flush: { intervalSeconds: 3600, maxReadings: 100_000_000 } }
              : {}),
          }),
        );
        const gateway = spawn(row.command, [...row.args, '--config', config], {
          env: { ...process.env, ...row.env, HOMEDATA_LOG_LEVEL: 'warn' },
          stdio: 'ignore',
        });
        const sender = spawn(
          process.execPath,
          [
            'bin/run-ts.js',
            'bench/intake.ts',
            '--send',
            'mqtt',
            '--target',
            broker.url,
            '--topic',
            `rss-${row.mode}`,
            '--rate',
            values.rate,
          ],
          { stdio: 'ignore' },
        );
        children.push(gateway, sender);
        samples.set(row.mode, []);
        return { mode: row.mode, pid: gateway.pid!, dataDir };
      }),
    );
    const every = 5000;
    for (let elapsed = 0; elapsed < minutes * 60_000; elapsed += every) {
      await new Promise((resolve) => setTimeout(resolve, every));
      for (const { mode, pid } of gateways) samples.get(mode)!.push(await rssMb(pid));
    }
    for (const { mode, pid, dataDir } of gateways) {
      parts.set(mode, await residentParts(pid));
      cpu.set(mode, await cpuSeconds(pid));
      mappings.set(mode, await largestMappings(pid, Number(values.smaps)));
      const status = await readStatusFile(dataDir).catch(() => undefined);
      delivered.set(mode, status?.totals?.delivered ?? 0);
    }
  } finally {
    for (const child of children) child.kill('SIGKILL');
    broker.process.kill();
    await rm(dir, { recursive: true, force: true });
  }
  const perMinute = 12;
  process.stdout.write(
    `\n| gateway process | RSS first minute | RSS last minute | peak | last vs first | at the end: shared / private | readings in the pod | CPU s |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n`,
  );
  const results = rows.map(({ mode, what }) => {
    const all = samples.get(mode)!;
    const first = mean(all.slice(0, perMinute));
    const last = mean(all.slice(-perMinute));
    const peak = Math.max(...all);
    const end = parts.get(mode);
    process.stdout.write(
      `| ${what} | ${first.toFixed(0)} MB | ${last.toFixed(0)} MB | ${peak.toFixed(0)} MB | ${(((last - first) / first) * 100).toFixed(1)} % | ${end?.sharedMb.toFixed(1)} / ${end?.privateMb.toFixed(1)} MB | ${delivered.get(mode)} | ${cpu.get(mode)?.toFixed(1)} |\n`,
    );
    return {
      mode,
      firstMinuteMb: first,
      lastMinuteMb: last,
      peakMb: peak,
      ...end,
      delivered: delivered.get(mode),
      cpuSeconds: cpu.get(mode),
      // Every sample, so that a peak can be placed in the run.
      samplesMb: all.map((mb) => Math.round(mb)),
    };
  });
  for (const { mode } of rows) {
    for (const { mapping, rssMb } of mappings.get(mode) ?? []) {
      process.stdout.write(`${mode}: ${rssMb.toFixed(1)} MB ${mapping}\n`);
    }
  }
  const loadAtEnd = loadavg()[0]!;
  const pod = values['unreachable-pod']
    ? 'pod unreachable (outbox grows)'
    : 'each gateway logged in to its own home on a CSS child process and writing to it';
  process.stdout.write(
    `\n${values['no-http'] ? 'MQTT input only' : 'MQTT and HTTP inputs'}; MQTT QoS 1 at ${values.rate} messages/s (2 readings each) into each gateway for ${minutes} min, all at once, ${pod}; RSS from /proc every 5 s; ${cpus().length} cores; 1-minute load average ${loadAtStart.toFixed(1)} at start, ${loadAtEnd.toFixed(1)} at end.\n`,
  );
  process.stdout.write(
    `${JSON.stringify({ bench: 'gateway-rss', minutes, rate: Number(values.rate), pod: values['unreachable-pod'] ? 'unreachable' : 'css', loadAverage: [loadAtStart, loadAtEnd], rows: results })}\n`,
  );
}

/**
 * One pod and identity per gateway: homes provisioned on a CSS in a child process (so its memory is not the
 * gateways'), or, with `unreachable`, an origin where nothing listens.
 */
async function podTargets(
  dir: string,
  count: number,
  unreachable: boolean,
  children: ChildProcess[],
): Promise<PodTarget[]> {
  if (unreachable) {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const nowhere = `http://localhost:${await findFreePort()}/`;
        return {
          pod: `${nowhere}resident/`,
          identity: { issuer: nowhere, clientId: 'nobody', clientSecret: 'nothing' },
        };
      }),
    );
  }
  const server = await startPodServerProcess(join(dir, 'pods'));
  children.push(server.child);
  const homes = await provisionHomes(server.url, count);
  return homes.map(({ resident, gateway }) => ({
    pod: resident.pod,
    identity: { issuer: gateway.issuer, clientId: gateway.clientId, clientSecret: gateway.clientSecret },
  }));
}
