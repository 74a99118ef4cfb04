// Assembles a gateway from its settings: outbox, quarantine, pod writer, flush scheduler, inputs, status file.
import type { Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import type { Logger } from '../logging.ts';
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
import { openOutboxDatabase } from './outbox-store.ts';
import { OutboxWriter } from './outbox-writer.ts';
import { PodWriter } from './pod-writer.ts';
import { countQuarantined, Quarantine } from './quarantine.ts';
import { ReadingFlusher } from './reading-flusher.ts';
import { ReadingIntake } from './reading-intake.ts';
import { simulatedHomeOf, startSimulatorInput, type SimulatorInput } from './simulator-input.ts';

/** Options that are not configuration: the logger and, for tests, the clock and the random source. */
export interface GatewayOptions {
  logger: Logger;
  now?: () => Date;
  random?: RandomSource;
  /** Start no inputs and no timer: the caller feeds `intake` and calls `flushNow`/`drain` (CSV replay, tests). */
  manual?: boolean;
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
  status(): Promise<GatewayStatus>;
  /** Stops inputs, tries one last flush (bounded by `finalFlushMs`), closes the outbox and releases the data folder. */
  stop(options?: { finalFlushMs?: number }): Promise<void>;
}

/** How often the status file is rewritten while readings arrive. */
const STATUS_EVERY_MS = 1000;

/** Starts a gateway. Its inputs acknowledge nothing before the outbox has committed it. */
export async function startGateway(settings: GatewaySettings, options: GatewayOptions): Promise<Gateway> {
  const { logger } = options;
  const now = options.now ?? (() => new Date());
  // Jitter needs no secrecy, but the project draws all randomness from one kind of source (never Math.random).
  const random = options.random ?? cryptoRandomSource();
  await mkdir(settings.dataDir, { recursive: true });
  const release = await lockDataDir(settings.dataDir);
  let db;
  try {
    db = await openOutboxDatabase(settings.dataDir, { logger });
  } catch (error) {
    await release();
    throw error;
  }
  const startedAt = now().toISOString();
  const reader = new OutboxReader(db);
  const writer = new OutboxWriter(db, settings.timeZone, logger);
  const quarantine = new Quarantine(settings.quarantineFile);
  const quarantinedBefore = await countQuarantined(settings.quarantineFile);
  const layout = new PodLayout(settings.pod);
  const pod = new PodWriter(settings.credentials, logger, now);
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

  let statusTimer: NodeJS.Timeout | undefined;
  let closed = false;
  const status = async (): Promise<GatewayStatus> => {
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
      quarantined: quarantinedBefore + intake.counters.quarantined,
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
  };
  // Status writes go one after another: two renames of one temporary file would race.
  let statusWrites: Promise<void> = Promise.resolve();
  const saveStatus = (make: () => Promise<GatewayStatus>): Promise<void> => {
    statusWrites = statusWrites
      .then(async () => writeStatusFile(settings.dataDir, await make()))
      .catch((error: unknown) => logger.warn({ err: error }, 'status file not written'));
    return statusWrites;
  };
  const refreshStatus = (): void => {
    if (statusTimer || closed) return;
    statusTimer = setTimeout(() => {
      statusTimer = undefined;
      if (!closed) void saveStatus(status);
    }, STATUS_EVERY_MS);
  };

  const scheduler = new FlushScheduler({
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
    onPass: refreshStatus,
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
      refreshStatus();
    },
  });

  let mqttInput: MqttInput | undefined;
  let http: { server: Server; url: string } | undefined;
  let simulator: SimulatorInput | undefined;

  /** Stops inputs, tries one last flush (bounded), closes the outbox and releases the data folder. */
  const shutdown = async (finalFlushMs: number): Promise<void> => {
    simulator?.stop();
    await mqttInput?.stop();
    if (http) await new Promise<void>((resolve) => http!.server.close(() => resolve()));
    scheduler.stop();
    // One bounded try at a last flush: the outbox keeps whatever does not make it, and the next start sends it.
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
    closed = true;
    clearTimeout(statusTimer);
    await saveStatus(async () => ({ ...(await status()), state: 'stopped', flushing: false }));
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
      // Each input's libraries (mqtt.js, express: ~20 MB of RSS each) load only when it is configured.
      if (settings.mqtt) {
        const { startMqttInput } = await import('./mqtt-input.ts');
        mqttInput = startMqttInput(settings.mqtt, intake, logger, now);
      }
      if (settings.http) {
        const { startHttpInput } = await import('./http-input.ts');
        http = await startHttpInput(intake, settings.http, logger);
      }
      if (settings.simulator) {
        simulator = startSimulatorInput(
          simulatedHomeOf(settings.simulator),
          settings.simulator,
          intake,
          logger,
          now,
        );
      }
      await saveStatus(status);
    } catch (error) {
      await shutdown(0);
      throw error;
    }
  }

  return {
    intake,
    scheduler,
    pod,
    ...(http ? { httpUrl: http.url } : {}),
    mqttReady: mqttInput?.ready ?? Promise.resolve(),
    status,
    stop: ({ finalFlushMs = 5000 } = {}) => shutdown(finalFlushMs),
  };
}
