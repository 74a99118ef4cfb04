// Assembles a gateway from its settings: outbox, quarantine, pod writer, flush scheduler, inputs, status file.
import type { Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import type { Logger } from '../logging.ts';
import type { DailySummary } from '../metrics/index.ts';
import { PodLayout } from '../pod/index.ts';
import { cryptoRandomSource, type RandomSource } from '../random-source.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { DaySummariser } from './day-summariser.ts';
import { DeviceMap } from './device-map.ts';
import { FlushScheduler } from './flush-scheduler.ts';
import type { GatewaySettings } from './gateway-config.ts';
import { writeStatusFile, type GatewayStatus } from './gateway-status.ts';
import type { MqttInput } from './mqtt-input.ts';
import { OutboxReader } from './outbox-reader.ts';
import { openOutboxDatabase, type OutboxDatabase } from './outbox-store.ts';
import { OutboxWriter } from './outbox-writer.ts';
import { PodWriter } from './pod-writer.ts';
import { Prio3ReportPoller } from './prio3-report-poller.ts';
import { countQuarantined, Quarantine } from './quarantine.ts';
import { ReadingFlusher, type FlusherParts } from './reading-flusher.ts';
import { ReadingIntake } from './reading-intake.ts';
import type { SimulatorInput } from './simulator-input.ts';

/** Options that are not configuration: the logger and, for tests, the clock and the random source. */
export interface GatewayOptions {
  logger: Logger;
  now?: () => Date;
  random?: RandomSource;
  /** Start no inputs and no timer: the caller feeds `intake` and calls `flushNow`/`drain` (CSV replay, tests). */
  manual?: boolean;
  /**
   * Daily summaries this home's gateway wrote to the pod before this outbox kept them (the demo's seeded winter),
   * kept for its Prio3 reports as if it had written them now.
   */
  earlierSummaries?: readonly DailySummary[];
}

/** A started gateway. */
export interface Gateway {
  readonly intake: ReadingIntake;
  readonly scheduler: FlushScheduler;
  readonly pod: PodWriter;
  /** The HTTP input's base URL, when enabled. */
  readonly httpUrl?: string;
  /** Resolves once the MQTT input is subscribed (immediately without MQTT). */
  readonly mqttReady: Promise<void>;
  /** The Prio3 report poller, when the config names a broker (`prio3`) and the gateway is not manual. */
  readonly prio3?: Prio3ReportPoller;
  status(): Promise<GatewayStatus>;
  /** Stops inputs, tries one last flush (bounded by `finalFlushMs`), closes the outbox and releases the data folder. */
  stop(options?: { finalFlushMs?: number }): Promise<void>;
}

/** How often the status file is rewritten while readings arrive. */
const STATUS_EVERY_MS = 1000;

/** Takes the data folder (made if missing) and opens its outbox; the folder is released again if the outbox fails. */
async function openOutbox(
  dataDir: string,
  logger: Logger,
): Promise<{ db: OutboxDatabase; release: () => Promise<void> }> {
  await mkdir(dataDir, { recursive: true });
  const release = await lockDataDir(dataDir);
  try {
    return { db: await openOutboxDatabase(dataDir, { logger }), release };
  } catch (error) {
    await release();
    throw error;
  }
}

/** The parts a status snapshot counts from. */
interface StatusSources {
  reader: OutboxReader;
  scheduler: FlushScheduler;
  intake: ReadingIntake;
  pod: PodWriter;
  quarantine: Quarantine;
  startedAt: string;
  /** Lines in the quarantine file before this run. */
  quarantinedBefore: number;
  now: () => Date;
}

/** The gateway's state as the status file shows it. */
async function statusOf(sources: StatusSources): Promise<GatewayStatus> {
  const { reader, scheduler, intake, pod, quarantine, startedAt, quarantinedBefore, now } = sources;
  const counts = await reader.counts();
  const { state } = scheduler;
  return {
    state: 'running',
    pid: process.pid,
    startedAt,
    updatedAt: now().toISOString(),
    pending: counts.pending,
    awaitingSummary: counts.awaitingSummary,
    summarisedDays: counts.summarisedDays,
    // Every line of the file, so a batch the pod refused counts as soon as it is there, not at the next start.
    quarantined: quarantinedBefore + quarantine.added,
    flushing: state.flushing,
    failures: state.failures,
    ...(state.lastFlush ? { lastFlush: state.lastFlush } : {}),
    ...(state.lastError ? { lastError: state.lastError } : {}),
    ...(state.nextAttemptAt ? { nextAttemptAt: state.nextAttemptAt } : {}),
    totals: {
      accepted: intake.counters.accepted,
      duplicates: intake.counters.duplicates,
      delivered: state.delivered,
      writes: pod.writes,
    },
  };
}

/** The status file's writer: rewrites at most once a `STATUS_EVERY_MS` while readings arrive, never after `close`. */
class StatusFile {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  // Status writes go one after another: two renames of one temporary file would race.
  private writes: Promise<void> = Promise.resolve();

  private readonly dataDir: string;
  private readonly logger: Logger;
  private readonly status: () => Promise<GatewayStatus>;

  constructor(dataDir: string, logger: Logger, status: () => Promise<GatewayStatus>) {
    this.dataDir = dataDir;
    this.logger = logger;
    this.status = status;
  }

  /** Writes the status `make` gives, after any write already queued. */
  save(make: () => Promise<GatewayStatus> = this.status): Promise<void> {
    this.writes = this.writes
      .then(async () => writeStatusFile(this.dataDir, await make()))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'status file not written'));
    return this.writes;
  }

  /** Asks for a rewrite soon; one timer serves every call until it fires. */
  refresh(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed) void this.save();
    }, STATUS_EVERY_MS);
  }

  /** Stops the rewrites the timer would make; `save` still writes the last status. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}

/** The flusher, the day summariser when enabled, and the scheduler that runs them. */
function flushSchedulerOf(
  settings: GatewaySettings,
  parts: FlusherParts & { random: RandomSource; onPass: () => void },
): FlushScheduler {
  const { reader, writer, pod, layout, quarantine, logger, now, random, onPass } = parts;
  const flusher = new ReadingFlusher({ reader, writer, pod, layout, quarantine, logger, now });
  const summariser = settings.summaries.enabled
    ? new DaySummariser({
        reader,
        writer,
        pod,
        layout,
        quarantine,
        logger,
        timeZone: settings.timeZone,
        graceMs: settings.summaries.graceMs,
      })
    : undefined;
  return new FlushScheduler({
    flusher,
    ...(summariser ? { summariser } : {}),
    reader,
    writer,
    logger,
    now,
    random,
    intervalMs: settings.flush.intervalMs,
    maxReadings: settings.flush.maxReadings,
    retry: settings.retry,
    dedupRetentionDays: settings.dedupRetentionDays,
    onPass,
  });
}

/** The inputs running; filled in as each starts, so that a failed start stops those already running. */
interface Inputs {
  mqtt?: MqttInput;
  http?: { server: Server; url: string };
  simulator?: SimulatorInput;
}

/** Starts the configured inputs, in order MQTT, HTTP, simulator. */
async function startInputs(
  settings: GatewaySettings,
  intake: ReadingIntake,
  logger: Logger,
  now: () => Date,
  inputs: Inputs,
): Promise<void> {
  // Each input's libraries (mqtt.js, express: ~20 MB of RSS each; the simulator's fixtures) load only when it is
  // configured.
  if (settings.mqtt) {
    const { startMqttInput } = await import('./mqtt-input.ts');
    inputs.mqtt = startMqttInput(settings.mqtt, intake, logger, now);
  }
  if (settings.http) {
    const { startHttpInput } = await import('./http-input.ts');
    inputs.http = await startHttpInput(intake, settings.http, logger);
  }
  if (settings.simulator) {
    // The fixtures' home model, for demos only.
    const { simulatedHomeOf, startSimulatorInput } = await import('./simulator-input.ts');
    inputs.simulator = startSimulatorInput(
      simulatedHomeOf(settings.simulator),
      settings.simulator,
      intake,
      logger,
      now,
    );
  }
}

/** Stops the inputs that run, so that nothing new reaches the intake. */
async function stopInputs(inputs: Inputs): Promise<void> {
  const { http } = inputs;
  inputs.simulator?.stop();
  await inputs.mqtt?.stop();
  if (http) await new Promise<void>((resolve) => http.server.close(() => resolve()));
}

/**
 * One bounded try at a last flush: the outbox keeps whatever does not make it, and the next start sends it.
 * Resolves once no pass runs, so the outbox can close.
 */
async function flushLastWithin(scheduler: FlushScheduler, finalFlushMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(resolve, finalFlushMs);
  });
  const lastFlush = scheduler.idle().then(() => (finalFlushMs > 0 ? scheduler.flushNow() : undefined));
  await Promise.race([lastFlush.catch(() => undefined), deadline]);
  clearTimeout(timer);
  // The outbox closes next: a pass still writing (a long backfill) must record what it wrote first.
  scheduler.cutPassShort();
  await lastFlush.catch(() => undefined);
}

/** Starts a gateway. Its inputs acknowledge nothing before the outbox has committed it. */
export async function startGateway(settings: GatewaySettings, options: GatewayOptions): Promise<Gateway> {
  const { logger } = options;
  const now = options.now ?? (() => new Date());
  // Jitter needs no secrecy, but the project draws all randomness from one kind of source (never Math.random).
  const random = options.random ?? cryptoRandomSource();
  const { db, release } = await openOutbox(settings.dataDir, logger);
  const startedAt = now().toISOString();
  const reader = new OutboxReader(db);
  const writer = new OutboxWriter(db, settings.timeZone, logger);
  const quarantine = new Quarantine(settings.quarantineFile);
  const quarantinedBefore = await countQuarantined(settings.quarantineFile);
  const layout = new PodLayout(settings.pod);
  const pod = new PodWriter(settings.credentials, logger, now);
  if (options.earlierSummaries) await writer.keepSummaries(options.earlierSummaries);
  const prio3 =
    settings.prio3 && !options.manual
      ? new Prio3ReportPoller({
          brokerUrl: settings.prio3.brokerUrl,
          intervalMs: settings.prio3.pollMs,
          reader,
          writer,
          pod,
          layout,
          logger: logger.child({ part: 'prio3' }),
          now,
          timeZone: settings.timeZone,
          graceMs: settings.summaries.graceMs,
        })
      : undefined;

  const status = (): Promise<GatewayStatus> =>
    statusOf({ reader, scheduler, intake, pod, quarantine, startedAt, quarantinedBefore, now });
  const statusFile = new StatusFile(settings.dataDir, logger, status);
  const scheduler = flushSchedulerOf(settings, {
    reader,
    writer,
    pod,
    layout,
    quarantine,
    logger,
    now,
    random,
    onPass: () => statusFile.refresh(),
  });
  const intake = new ReadingIntake({
    devices: new DeviceMap(settings.devices),
    writer,
    quarantine,
    logger,
    now,
    maxClockSkewMs: settings.maxClockSkewMs,
    onAccepted: (count) => {
      scheduler.notifyAccepted(count);
      statusFile.refresh();
    },
  });

  const inputs: Inputs = {};
  /** Stops inputs, tries one last flush (bounded), closes the outbox and releases the data folder. */
  const shutdown = async (finalFlushMs: number): Promise<void> => {
    await stopInputs(inputs);
    await prio3?.stop();
    scheduler.stop();
    await flushLastWithin(scheduler, finalFlushMs);
    statusFile.close();
    await statusFile.save(async () => ({ ...(await status()), state: 'stopped', flushing: false }));
    await pod.close();
    await db.close();
    await release();
  };

  await scheduler.start(options.manual);
  if (!options.manual) {
    try {
      pod
        .login()
        .catch((error: unknown) => logger.warn({ err: error }, 'login failed; writes will retry it'));
      await startInputs(settings, intake, logger, now, inputs);
      prio3?.start();
      await statusFile.save();
    } catch (error) {
      await shutdown(0);
      throw error;
    }
  }

  return {
    intake,
    scheduler,
    pod,
    ...(inputs.http ? { httpUrl: inputs.http.url } : {}),
    mqttReady: inputs.mqtt?.ready ?? Promise.resolve(),
    ...(prio3 ? { prio3 } : {}),
    status,
    stop: ({ finalFlushMs = 5000 } = {}) => shutdown(finalFlushMs),
  };
}
