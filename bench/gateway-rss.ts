// Gateway RSS benchmark: `homedata gateway run` processes under steady MQTT ingest, from source (tsx) and compiled, RSS sampled for minutes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findFreePort } from '../src/free-port.ts';
import { startMosquitto } from './intake.ts';

/** How each measured gateway process is started. */
const MODES = {
  source: { what: 'from source through tsx (as before)', env: { HOMEDATA_FROM_SOURCE: '1' }, flags: [] },
  compiled: { what: 'compiled (dist/)', env: {}, flags: [] },
  'compiled-semi2': {
    what: 'compiled, `node --max-semi-space-size=2`',
    env: {},
    flags: ['--max-semi-space-size=2'],
  },
} as const;
type Mode = keyof typeof MODES;

/** A process's resident set in MB, from /proc. */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The mean of some numbers. */
function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** `npm run bench -- gateway-rss [--minutes 3] [--rate 20] [--modes source,compiled,compiled-semi2] [--no-http]`. */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string', default: '3' },
      rate: { type: 'string', default: '20' },
      modes: { type: 'string', default: Object.keys(MODES).join(',') },
      // `--no-http`: MQTT alone, as most home gateways run (express stays unloaded).
      'no-http': { type: 'boolean', default: false },
    },
  });
  const minutes = Number(values.minutes);
  const modes = values.modes.split(',') as Mode[];
  const loadAtStart = loadavg()[0]!;
  const build = spawn(process.execPath, ['scripts/build-node.js'], { stdio: 'inherit' });
  await new Promise((resolve) => build.once('exit', resolve));
  const dir = await mkdtemp(join(tmpdir(), 'homedata-rss-bench-'));
  const broker = await startMosquitto(dir);
  const children: ChildProcess[] = [];
  const samples = new Map<Mode, number[]>();
  try {
    // All modes at once, so they share the machine's load.
    const gateways = await Promise.all(
      modes.map(async (mode) => {
        const dataDir = join(dir, mode);
        const nowhere = `http://localhost:${await findFreePort()}/`;
        const config = join(dir, `${mode}.json`);
        await writeFile(
          config,
          JSON.stringify({
            dataDir,
            // No pod answers: the outbox grows for the whole run, the worst case for memory.
            pod: `${nowhere}resident/`,
            identity: { issuer: nowhere, clientId: 'nobody', clientSecret: 'nothing' },
            devices: { 'living-th1': { room: 'living-room' } },
            mqtt: { url: broker.url, clientId: `rss-${mode}`, zigbee2mqttTopic: `rss-${mode}` },
            ...(values['no-http']
              ? {}
              : { http: { port: await findFreePort(), token: 'rss-bench-token-0123456789' } }),
            flush: { intervalSeconds: 3600, maxReadings: 100_000_000 },
          }),
        );
        const gateway = spawn(
          process.execPath,
          [...MODES[mode].flags, 'bin/homedata.js', 'gateway', 'run', '--config', config],
          { env: { ...process.env, ...MODES[mode].env, HOMEDATA_LOG_LEVEL: 'warn' }, stdio: 'ignore' },
        );
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
            `rss-${mode}`,
            '--rate',
            values.rate,
          ],
          { stdio: 'ignore' },
        );
        children.push(gateway, sender);
        samples.set(mode, []);
        return { mode, pid: gateway.pid! };
      }),
    );
    const every = 5000;
    for (let elapsed = 0; elapsed < minutes * 60_000; elapsed += every) {
      await new Promise((resolve) => setTimeout(resolve, every));
      for (const { mode, pid } of gateways) samples.get(mode)!.push(await rssMb(pid));
    }
  } finally {
    for (const child of children) child.kill('SIGKILL');
    broker.process.kill();
    await rm(dir, { recursive: true, force: true });
  }
  const perMinute = 12;
  process.stdout.write(
    `\n| gateway process | RSS first minute | RSS last minute | peak | last vs first |\n| --- | --- | --- | --- | --- |\n`,
  );
  const rows = modes.map((mode) => {
    const all = samples.get(mode)!;
    const first = mean(all.slice(0, perMinute));
    const last = mean(all.slice(-perMinute));
    const peak = Math.max(...all);
    process.stdout.write(
      `| ${MODES[mode].what} | ${first.toFixed(0)} MB | ${last.toFixed(0)} MB | ${peak.toFixed(0)} MB | ${(((last - first) / first) * 100).toFixed(1)} % |\n`,
    );
    return { mode, firstMinuteMb: first, lastMinuteMb: last, peakMb: peak };
  });
  const loadAtEnd = loadavg()[0]!;
  process.stdout.write(
    `\n${values['no-http'] ? 'MQTT input only' : 'MQTT and HTTP inputs'}; MQTT QoS 1 at ${values.rate} messages/s (2 readings each) into each gateway for ${minutes} min, all at once, pod unreachable (outbox grows); RSS from /proc every 5 s; ${cpus().length} cores; 1-minute load average ${loadAtStart.toFixed(1)} at start, ${loadAtEnd.toFixed(1)} at end.\n`,
  );
  process.stdout.write(
    `${JSON.stringify({ bench: 'gateway-rss', minutes, rate: Number(values.rate), loadAverage: [loadAtStart, loadAtEnd], rows })}\n`,
  );
}
