// CLI wiring for `homedata gateway run | replay | status`.
import { dirname, join, resolve } from 'node:path';
import type { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { parseConfig } from '../config/index.ts';
import { ConfigError } from '../errors.ts';
import {
  findManifestHome,
  gatewayConfigSchema,
  loadGatewaySettings,
  readOutboxStatus,
  resolveGatewayConfig,
  startGateway,
  type GatewaySettings,
  type GatewayStatus,
} from '../gateway/index.ts';
import type { CsvColumn, ReplayReport } from '../gateway/replay.ts';
import { createLogger } from '../logging.ts';
import { nodeHttpFetch } from '../pod/index.ts';

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    process.once('SIGINT', () => resolveSignal('SIGINT'));
    process.once('SIGTERM', () => resolveSignal('SIGTERM'));
  });
}

/** Collects a repeatable option. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface ReplayFlags {
  manifest?: string;
  home?: string;
  config?: string;
  csv: string;
  timeColumn?: string;
  column: string[];
  timezone?: string;
  timeFormat?: string;
  shiftToNow?: boolean;
  dataDir?: string;
  homeTimezone: string;
  progress: boolean;
  timeout: string;
  json?: boolean;
}

/** The settings a replay runs with: from a gateway config file, or from the demo's manifest and identities.json. */
async function replaySettings(flags: ReplayFlags): Promise<{ settings: GatewaySettings; target: string }> {
  if (flags.config) {
    if (flags.manifest || flags.home)
      throw new ConfigError('Give either --config or --manifest with --home, not both');
    const settings = await loadGatewaySettings(flags.config);
    return {
      settings: flags.dataDir ? { ...settings, dataDir: resolve(flags.dataDir) } : settings,
      target: settings.pod,
    };
  }
  if (!flags.manifest || !flags.home)
    throw new ConfigError('Give --manifest DATA_DIR/demo.json and --home N (or --config FILE)');
  const manifestDir = dirname(resolve(flags.manifest));
  const home = await findManifestHome(flags.manifest, flags.home);
  const config = parseConfig(
    gatewayConfigSchema,
    {
      dataDir: flags.dataDir ?? join(manifestDir, 'gateway-replay', String(home.index)),
      pod: home.pod,
      timeZone: flags.homeTimezone,
      identity: { identitiesFile: join(manifestDir, 'identities.json'), home: home.residentWebId },
    },
    'replay options',
  );
  return {
    settings: await resolveGatewayConfig(config, process.cwd()),
    target: `home ${home.index} (${home.pod})`,
  };
}

/** The column mapping: `--column` flags, else the config file's `csv.columns`, else every ROOM-PROPERTY column. */
function replayColumns(
  flags: ReplayFlags,
  settings: GatewaySettings,
  parseColumnSpec: (spec: string) => CsvColumn,
): CsvColumn[] | undefined {
  if (flags.column.length > 0) return flags.column.map(parseColumnSpec);
  const fromConfig = settings.csv?.columns;
  return fromConfig
    ? Object.entries(fromConfig).map(([column, target]) => parseColumnSpec(`${column}=${target}`))
    : undefined;
}

/** A progress bar on stderr, or nothing when switched off or not on a terminal (cli-progress loads only then). */
async function progressBar(enabled: boolean, label: string): Promise<SingleBar | undefined> {
  if (!enabled || !process.stderr.isTTY) return undefined;
  const { SingleBar, Presets } = await import('cli-progress');
  return new SingleBar(
    { format: `${label} {bar} {percentage}% | {value}/{total}`, stream: process.stderr },
    Presets.shades_classic,
  );
}

/** Prints a replay's outcome. */
function printReplay(report: ReplayReport, target: string, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const lines = [
    `replayed into ${target}`,
    `  rows         ${report.rows}${report.shiftDays ? ` (shifted ${report.shiftDays} days forward)` : ''}`,
    `  readings     ${report.accepted} new, ${report.duplicates} already sent, ${report.quarantined} quarantined`,
    `  pod          ${report.delivered} readings delivered in ${report.writes} writes`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Prints a status report. */
function printStatus(status: GatewayStatus, quarantineFile: string): void {
  const when = (record?: { at: string }) => record?.at ?? 'never';
  const lines = [
    `gateway      ${status.state}${status.pid ? ` (pid ${status.pid})` : ''}${status.startedAt ? ` since ${status.startedAt}` : ''}`,
    `outbox       ${status.pending} readings waiting for the pod; ${status.awaitingSummary} kept for daily summaries`,
    `last flush   ${when(status.lastFlush)}${status.lastFlush ? ` (${status.lastFlush.delivered} readings, ${status.lastFlush.writes} writes)` : ''}`,
    `last error   ${status.lastError ? `${status.lastError.at}: ${status.lastError.message}` : 'none'}`,
    ...(status.failures
      ? [`retrying     ${status.failures} failed flushes; next at ${status.nextAttemptAt ?? '?'}`]
      : []),
    `quarantine   ${status.quarantined} entries in ${quarantineFile}`,
    `summaries    ${status.summarisedDays} room-days summarised`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The settings with `--prio3-poll-seconds` applied: only with a `prio3` broker in the config. */
function withPrio3Poll(settings: GatewaySettings, seconds: string | undefined): GatewaySettings {
  if (seconds === undefined) return settings;
  const pollSeconds = Number(seconds);
  if (!(pollSeconds > 0))
    throw new ConfigError(`--prio3-poll-seconds ${seconds}: expected a positive number of seconds`);
  if (!settings.prio3) throw new ConfigError('--prio3-poll-seconds needs a prio3.broker in the config file');
  return { ...settings, prio3: { ...settings.prio3, pollMs: pollSeconds * 1000 } };
}

/** `gateway run`: runs a gateway until SIGINT or SIGTERM, then stops it cleanly. */
async function runGateway(options: { config: string; prio3PollSeconds?: string }): Promise<void> {
  const logger = createLogger('gateway');
  const settings = withPrio3Poll(await loadGatewaySettings(options.config), options.prio3PollSeconds);
  // The home's zone as the process's local zone: local days then come from Date's getters rather than an ICU
  // formatter, ~12 MB less RSS (metrics/local-time.ts). Nothing else in a gateway reads local time: logs and
  // documents carry UTC instants.
  process.env['TZ'] = settings.timeZone;
  // Every call to the pod, the login stack's included, on node:http: undici's fetch held 2–4 MB more of a running
  // gateway's memory (docs/gateway.md, "Seventh round"). It has to be the global one, since the login library's
  // session calls the global fetch and takes none of its own.
  globalThis.fetch = nodeHttpFetch;
  const running = await startGateway(settings, { logger });
  logger.info(
    {
      dataDir: settings.dataDir,
      http: running.httpUrl ?? null,
      mqtt: settings.mqtt?.url ?? null,
      prio3: settings.prio3 ?? null,
    },
    'gateway running',
  );
  const signal = await untilStopSignal();
  logger.info({ signal }, 'stopping');
  await running.stop();
}

/** `gateway replay`: replays a CSV file through a gateway started by hand, with progress bars. */
async function replayCommand(flags: ReplayFlags): Promise<void> {
  const logger = createLogger('gateway', process.env.HOMEDATA_LOG_LEVEL ?? 'warn');
  const { checkTimeFormat, parseColumnSpec, replayCsv } = await import('../gateway/replay.ts');
  const { settings, target } = await replaySettings(flags);
  const columns = replayColumns(flags, settings, parseColumnSpec);
  const timeZone = flags.timezone ?? settings.csv?.timeZone ?? 'UTC';
  const timeFormat = flags.timeFormat ?? settings.csv?.timeFormat;
  // Before the gateway logs in, so a wrong format costs no pod round trip.
  if (timeFormat) checkTimeFormat(timeFormat, timeZone);
  const timeout = Number(flags.timeout);
  if (!(timeout > 0))
    throw new ConfigError(`--timeout ${flags.timeout}: expected a positive number of seconds`);
  const running = await startGateway(settings, { logger, manual: true });
  const ingestBar = await progressBar(flags.progress, 'reading  ');
  const flushBar = await progressBar(flags.progress, 'writing  ');
  try {
    ingestBar?.start(1, 0);
    const report = await replayCsv(running, {
      file: flags.csv,
      mapping: {
        timeColumn: flags.timeColumn ?? settings.csv?.timeColumn ?? 'time',
        timeZone,
        ...(timeFormat ? { timeFormat } : {}),
        ...(columns ? { columns } : {}),
      },
      shiftToNow: flags.shiftToNow ?? false,
      drainTimeoutMs: timeout * 1000,
      progress: {
        ingest: (bytes, total) => {
          ingestBar?.setTotal(total);
          ingestBar?.update(bytes);
        },
        flush: (delivered, total) => {
          if (ingestBar?.isActive) {
            ingestBar.stop();
            flushBar?.start(Math.max(total, 1), 0);
          }
          flushBar?.update(Math.min(delivered, total));
        },
      },
    });
    ingestBar?.stop();
    flushBar?.stop();
    printReplay(report, target, flags.json ?? false);
  } finally {
    ingestBar?.stop();
    flushBar?.stop();
    await running.stop({ finalFlushMs: 0 });
  }
}

/** `gateway status`: the outbox status of a gateway's data folder, found by config or directly. */
async function statusCommand(options: { config?: string; dataDir?: string; json?: boolean }): Promise<void> {
  let dataDir: string;
  let quarantineFile: string;
  if (options.config) {
    const settings = await loadGatewaySettings(options.config);
    dataDir = settings.dataDir;
    quarantineFile = settings.quarantineFile;
  } else if (options.dataDir) {
    dataDir = resolve(options.dataDir);
    quarantineFile = join(dataDir, 'quarantine.jsonl');
  } else {
    throw new ConfigError('Give --config FILE or --data-dir DIR');
  }
  const status = await readOutboxStatus(dataDir, quarantineFile);
  if (options.json) process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  else printStatus(status, quarantineFile);
}

/** Registers `homedata gateway …`. */
export function registerGatewayCommands(program: Command): void {
  const gateway = program
    .command('gateway')
    .description('The home gateway: sensor readings into the resident’s pod');

  gateway
    .command('run')
    .description(
      'Run the gateway: MQTT / HTTP / simulator inputs, outbox, flushes to the pod, daily summaries',
    )
    .requiredOption('--config <file>', 'gateway config file (JSON; see docs/gateway.md)')
    .option(
      '--prio3-poll-seconds <s>',
      'seconds between polls of the broker’s prio3 tasks (overrides prio3.pollSeconds; needs prio3.broker)',
    )
    .action(runGateway);

  gateway
    .command('replay')
    .description(
      'Replay a CSV file of sensor history into a home’s pod (idempotent: a second replay writes nothing)',
    )
    .option(
      '--manifest <file>',
      'the demo manifest, DATA_DIR/demo.json (secrets are read from identities.json beside it)',
    )
    .option('--home <n|webId>', 'the N-th resident of the manifest, counting from 1, or a resident WebID')
    .option('--config <file>', 'a gateway config file instead of --manifest/--home')
    .requiredOption('--csv <file>', 'CSV file with a time column and one column per room and property')
    .option('--time-column <name>', 'the time column (default: time, or csv.timeColumn in --config)')
    .option(
      '--column <spec>',
      'CSVCOL=ROOM/PROPERTY[:UNIT], repeatable; default: every column named ROOM-PROPERTY',
      collect,
      [],
    )
    .option('--timezone <zone>', 'zone of times without an offset (default UTC)')
    .option(
      '--time-format <format>',
      'Luxon tokens of the time column, e.g. "yyyy/M/d H:mm" (default: ISO 8601 or epoch seconds)',
    )
    .option('--shift-to-now', 'move times forward by whole days so the newest row lands within the last day')
    .option('--data-dir <dir>', 'outbox folder (default: DATA_DIR/gateway-replay/N with --manifest)')
    .option(
      '--home-timezone <zone>',
      'the home’s zone for daily summaries (with --manifest)',
      'Europe/London',
    )
    .option('--no-progress', 'no progress bars')
    .option(
      '--timeout <seconds>',
      'how long to wait for the pod before giving up (readings stay in the outbox)',
      '600',
    )
    .option('--json', 'print the result as one JSON line')
    .action(replayCommand);

  gateway
    .command('status')
    .description('Outbox depth, last flush, last error and quarantine count of a gateway (running or not)')
    .option('--config <file>', 'the gateway config file')
    .option('--data-dir <dir>', 'the gateway data folder (instead of --config)')
    .option('--json', 'print the status as JSON')
    .action(statusCommand);
}
