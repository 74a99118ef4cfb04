// Soak: many homes' gateways at a multiple of the real reading rate while the pod server is restarted; lost readings, drain time, RSS.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { simulateReadings } from '../src/fixtures/home-model.ts';
import { startGateway, type Gateway, type GatewaySettings } from '../src/gateway/index.ts';
import { createLogger } from '../src/logging.ts';
import type { Property, Reading } from '../src/metrics/types.ts';
import { findFreePort } from '../src/free-port.ts';
import { PodLayout } from '../src/pod/pod-layout.ts';
import { loginWithClientCredentials } from '../src/pod/solid-session.ts';
import { countReadings, podObservations, type SentReading } from '../test/helpers/pod-observations.ts';
import { provisionHomes, startPodServerProcess } from './gateway.ts';

/** What to run. */
export interface SoakOptions {
  homes: number;
  /** Wall-clock minutes of ingest. */
  minutes: number;
  /** How much faster than real time the sensors report (10: a minute's readings every 6 s). */
  speed: number;
  /** Pod server restarts, evenly spread over the run. */
  restarts: number;
  /** Seconds the pod server stays down at each restart. */
  downSeconds: number;
}

export const DEFAULT_OPTIONS: SoakOptions = {
  homes: 24,
  minutes: 10,
  speed: 10,
  restarts: 2,
  downSeconds: 5,
};

/**
 * What one home's sensors sent, as columns of numbers: this process's RSS is the gateways' figure, and 32,100
 * Reading objects (a 10-minute run) held 6.6 MB of heap, growing through the run like a leak would.
 */
class SentLog {
  private readonly properties: Property[] = [];
  private readonly propertyIndex: number[] = [];
  private readonly times: number[] = [];
  private readonly values: number[] = [];

  /** Records readings the gateway accepted. */
  add(readings: readonly Reading[]): void {
    for (const { property, time, value } of readings) {
      let index = this.properties.indexOf(property);
      if (index < 0) index = this.properties.push(property) - 1;
      this.propertyIndex.push(index);
      this.times.push(time.getTime());
      this.values.push(value);
    }
  }

  get length(): number {
    return this.times.length;
  }

  /** The readings as the count compares them with the pod. */
  readings(): SentReading[] {
    return this.times.map((time, at) => ({
      property: this.properties[this.propertyIndex[at]!]!,
      time: new Date(time),
      value: this.values[at]!,
    }));
  }
}

/** Seconds between two readings of one sensor in simulated time (the fixtures' one-minute step). */
const STEP_SECONDS = 60;

/** One memory sample of this process (the gateways'): resident set and the parts of it V8 accounts for. */
interface MemorySample {
  at: number;
  rss: number;
  heapUsed: number;
  external: number;
}

/** Mean of one figure of the samples taken in [from, to). */
function meanBetween(
  samples: readonly MemorySample[],
  figure: 'rss' | 'heapUsed' | 'external',
  from: number,
  to: number,
): number {
  const inside = samples.filter((sample) => sample.at >= from && sample.at < to);
  return inside.reduce((sum, sample) => sum + sample[figure], 0) / Math.max(1, inside.length);
}

/** Runs the soak, prints a table and one JSON line. */
export async function runSoak(options: SoakOptions): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'homedata-bench-soak-'));
  const cssDir = join(root, 'css');
  const port = await findFreePort();
  let server: { url: string; child: ChildProcess } = await startPodServerProcess(cssDir, port);
  const logger = createLogger('gateway', 'silent');
  const gateways: Gateway[] = [];
  const loads: number[] = [];
  try {
    process.stderr.write(`provisioning ${options.homes} homes…\n`);
    const homes = await provisionHomes(server.url, options.homes);
    for (const [index, home] of homes.entries()) {
      const dataDir = join(root, `gateway-${index}`);
      const settings: GatewaySettings = {
        dataDir,
        pod: home.resident.pod,
        timeZone: home.model.timeZone,
        credentials: home.gateway,
        devices: {},
        // The default 5-minute flush, sped up like the sensors.
        flush: { intervalMs: (300 / options.speed) * 1000, maxReadings: 500 },
        summaries: { enabled: false, graceMs: 0 },
        retry: { baseMs: 500, maxMs: 5000 },
        maxClockSkewMs: 120_000,
        dedupRetentionDays: 400,
        quarantineFile: join(dataDir, 'quarantine.jsonl'),
      };
      gateways.push(await startGateway(settings, { logger }));
    }

    const durationMs = options.minutes * 60_000;
    const started = Date.now();
    // Simulated time runs `speed` times faster, ending an hour before now so no reading is in the future.
    const simStart = Math.floor((started - durationMs * options.speed - 3_600_000) / 60_000) * 60_000;
    const simNow = () => simStart + (Date.now() - started) * options.speed;
    const sent = homes.map(() => new SentLog());
    let next = simStart;
    const samples: MemorySample[] = [];
    const restartAt = Array.from(
      { length: options.restarts },
      (_, index) => started + ((index + 1) * durationMs) / (options.restarts + 1),
    );
    let lastRestartReady = 0;
    let backlogAtRestart: number[] = [];
    let deliveredAtRestart: number[] = [];
    let drainMs: number | undefined;

    const feed = async (): Promise<void> => {
      for (; next <= simNow(); next += STEP_SECONDS * 1000) {
        await Promise.all(
          homes.map(async (home, index) => {
            const readings = simulateReadings(
              home.model,
              new Date(next),
              new Date(next + STEP_SECONDS * 1000),
              STEP_SECONDS / 60,
            );
            const result = await gateways[index]!.intake.readings(readings, {
              source: 'simulator',
              where: 'soak',
            });
            if (result.accepted !== readings.length)
              throw new Error(`home ${index}: ${JSON.stringify(result)}`);
            sent[index]!.add(readings);
          }),
        );
      }
    };

    while (Date.now() - started < durationMs) {
      await feed();
      const { rss, heapUsed, external } = process.memoryUsage();
      samples.push({ at: Date.now() - started, rss, heapUsed, external });
      loads.push(loadavg()[0]!);
      if (restartAt.length > 0 && Date.now() >= restartAt[0]!) {
        restartAt.shift();
        process.stderr.write(`restarting the pod server at ${Math.round((Date.now() - started) / 1000)} s\n`);
        server.child.kill('SIGKILL');
        await new Promise((resolve) => server.child.once('exit', resolve));
        await new Promise((resolve) => setTimeout(resolve, options.downSeconds * 1000));
        server = await startPodServerProcess(cssDir, port);
        lastRestartReady = Date.now();
        const statuses = await Promise.all(gateways.map((gateway) => gateway.status()));
        backlogAtRestart = statuses.map((status) => status.pending);
        deliveredAtRestart = gateways.map((gateway) => gateway.scheduler.state.delivered);
        drainMs = undefined;
      }
      if (lastRestartReady > 0 && drainMs === undefined) {
        const caughtUp = gateways.every(
          (gateway, index) =>
            gateway.scheduler.state.delivered - deliveredAtRestart[index]! >= backlogAtRestart[index]!,
        );
        if (caughtUp) drainMs = Date.now() - lastRestartReady;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    // Whatever is left goes out now; what is still in an outbox after five minutes is reported as such.
    const endedAt = Date.now();
    await Promise.all(
      gateways.map((gateway, index) =>
        gateway.scheduler
          .drain(5 * 60_000)
          .catch((error: unknown) => process.stderr.write(`home ${index} not drained: ${String(error)}\n`)),
      ),
    );
    const finalDrainMs = Date.now() - endedAt;
    if (lastRestartReady > 0 && drainMs === undefined) drainMs = Date.now() - lastRestartReady;
    const statuses = await Promise.all(gateways.map((gateway) => gateway.status()));
    const pendingAtEnd = statuses.reduce((sum, status) => sum + status.pending, 0);
    const acceptedTotal = statuses.reduce((sum, status) => sum + (status.totals?.accepted ?? 0), 0);
    const deliveredTotal = statuses.reduce((sum, status) => sum + (status.totals?.delivered ?? 0), 0);
    // Readings the pod refused (any 4xx but 408/429) leave the outbox for the quarantine file: say why.
    const quarantinedTotal = statuses.reduce((sum, status) => sum + status.quarantined, 0);
    const reasons = new Set<string>();
    for (const index of homes.keys()) {
      const file = join(root, `gateway-${index}`, 'quarantine.jsonl');
      const lines = await readFile(file, 'utf8').catch(() => '');
      for (const line of lines.split('\n').filter(Boolean)) {
        reasons.add(String((JSON.parse(line) as { reason?: string }).reason).slice(0, 200));
      }
    }
    if (reasons.size > 0) process.stderr.write(`quarantine reasons: ${JSON.stringify([...reasons])}\n`);
    // 4xx the gateways took for "later" (a restarting pod server's) and retried: which ones, and how often.
    const doubtfulAnswers: Record<string, number> = {};
    for (const gateway of gateways) {
      for (const [status, answers] of gateway.pod.doubtfulAnswers)
        doubtfulAnswers[status] = (doubtfulAnswers[status] ?? 0) + answers;
    }

    let lost = 0;
    let duplicated = 0;
    let inPod = 0;
    let readings = 0;
    for (const [index, home] of homes.entries()) {
      const agent = await loginWithClientCredentials(home.resident);
      const layout = new PodLayout(home.resident.pod);
      const count = countReadings(
        sent[index]!.readings(),
        await podObservations(agent.fetch, layout.readings),
      );
      await agent.logout();
      lost += count.lost;
      duplicated += count.duplicated;
      inPod += count.inPod;
      readings += sent[index]!.length;
    }
    const firstMinute = (figure: 'rss' | 'heapUsed' | 'external') =>
      Math.round(meanBetween(samples, figure, 0, 60_000) / 2 ** 20);
    const lastMinute = (figure: 'rss' | 'heapUsed' | 'external') =>
      Math.round(meanBetween(samples, figure, durationMs - 60_000, durationMs + 1) / 2 ** 20);
    // Minute by minute, to tell a step (the sessions' renewal 8 minutes in, a restart) from a slope (a leak).
    const byMinute = Array.from({ length: Math.ceil(durationMs / 60_000) }, (_, minute) => ({
      minute: minute + 1,
      rssMB: Math.round(meanBetween(samples, 'rss', minute * 60_000, (minute + 1) * 60_000) / 2 ** 20),
      heapUsedMB: Math.round(
        meanBetween(samples, 'heapUsed', minute * 60_000, (minute + 1) * 60_000) / 2 ** 20,
      ),
    }));
    process.stderr.write(
      `memory by minute (RSS / heap used, MB): ${byMinute.map((m) => `${m.minute}: ${m.rssMB}/${m.heapUsedMB}`).join(', ')}\n`,
    );
    const rssFirst = meanBetween(samples, 'rss', 0, 60_000);
    const rssLast = meanBetween(samples, 'rss', durationMs - 60_000, durationMs + 1);
    const result = {
      homes: options.homes,
      minutes: options.minutes,
      speed: options.speed,
      restarts: options.restarts,
      downSeconds: options.downSeconds,
      readingsSent: readings,
      readingsInPod: inPod,
      acceptedByGateways: acceptedTotal,
      deliveredByGateways: deliveredTotal,
      pendingInOutboxesAtEnd: pendingAtEnd,
      quarantined: quarantinedTotal,
      doubtfulAnswers,
      lost,
      duplicated,
      drainSecondsAfterLastRestart: drainMs === undefined ? null : Math.round(drainMs / 100) / 10,
      finalDrainSeconds: Math.round(finalDrainMs / 100) / 10,
      rssFirstMinuteMB: Math.round(rssFirst / 2 ** 20),
      rssLastMinuteMB: Math.round(rssLast / 2 ** 20),
      rssChangePercent: Math.round(((rssLast - rssFirst) / rssFirst) * 1000) / 10,
      heapUsedFirstLastMinuteMB: [firstMinute('heapUsed'), lastMinute('heapUsed')],
      externalFirstLastMinuteMB: [firstMinute('external'), lastMinute('external')],
      memoryByMinute: byMinute,
      loadAverage: {
        min: Math.min(...loads),
        max: Math.max(...loads),
      },
    };
    const rows: [string, string][] = [
      ['homes × minutes × speed', `${options.homes} × ${options.minutes} × ${options.speed}`],
      ['pod server restarts (SIGKILL, down)', `${options.restarts} × ${options.downSeconds} s`],
      ['readings sent / in the pod', `${readings} / ${inPod}`],
      [
        'accepted / delivered by the gateways / still in outboxes',
        `${acceptedTotal} / ${deliveredTotal} / ${pendingAtEnd}`,
      ],
      ['lost / duplicated', `${lost} / ${duplicated}`],
      ['quarantined (pod refused for good)', `${quarantinedTotal}`],
      [
        '4xx taken for "later" and retried (status: answers)',
        Object.entries(doubtfulAnswers)
          .map(([status, answers]) => `${status}: ${answers}`)
          .join(', ') || 'none',
      ],
      ['backlog drained after the last restart', `${result.drainSecondsAfterLastRestart ?? '—'} s`],
      [
        'RSS first minute → last minute (MB)',
        `${result.rssFirstMinuteMB} → ${result.rssLastMinuteMB} (${result.rssChangePercent} %)`,
      ],
      [
        'V8 heap used / external first → last minute (MB)',
        `${result.heapUsedFirstLastMinuteMB.join(' → ')} / ${result.externalFirstLastMinuteMB.join(' → ')}`,
      ],
      ['load average (1 min)', `${result.loadAverage.min.toFixed(1)}–${result.loadAverage.max.toFixed(1)}`],
    ];
    process.stdout.write(
      `\n| soak | figure |\n| --- | --- |\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await Promise.all(gateways.map((gateway) => gateway.stop({ finalFlushMs: 0 }).catch(() => undefined)));
    server.child.kill('SIGTERM');
    await rm(root, { recursive: true, force: true });
  }
}

/** `npm run bench -- soak [--homes N] [--minutes M] [--speed S] [--restarts R] [--down-seconds D]`. */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      homes: { type: 'string' },
      minutes: { type: 'string' },
      speed: { type: 'string' },
      restarts: { type: 'string' },
      'down-seconds': { type: 'string' },
    },
  });
  const number = (value: string | undefined, fallback: number) =>
    value === undefined ? fallback : Number(value);
  await runSoak({
    homes: number(values.homes, DEFAULT_OPTIONS.homes),
    minutes: number(values.minutes, DEFAULT_OPTIONS.minutes),
    speed: number(values.speed, DEFAULT_OPTIONS.speed),
    restarts: number(values.restarts, DEFAULT_OPTIONS.restarts),
    downSeconds: number(values['down-seconds'], DEFAULT_OPTIONS.downSeconds),
  });
}
