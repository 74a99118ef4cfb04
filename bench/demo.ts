// Demo start-up benchmark: seconds from `homedata demo` on an empty data folder to its first manifest (pods served,
// residents' logins usable), to the complete manifest (gateways, broker), and to "running"; then a restart on the
// same data. Runs the CLI as a user would, as a child process. With `--trace`, each start is traced
// (bench/demo-trace.ts): the pod server's requests and each thread's CPU, per phase of the demo's log.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { manifestSchema } from '../src/demo/demo-files.ts';
import { findFreePort } from '../src/free-port.ts';
import { logMarks, printTrace, summariseTrace, TRACE_HOOK, type Mark } from './demo-trace.ts';

interface StartTimes {
  /** Seconds to the first manifest: the pods are served and every resident can log in. */
  manifestSeconds: number;
  /** Seconds to the manifest that names the broker. */
  completeManifestSeconds: number;
  /** Seconds to the "homedata demo is running" line. */
  runningSeconds: number;
}

export interface DemoBenchResult {
  homes: number;
  first: StartTimes;
  restart: StartTimes;
  /** The foundation issue's target: pods and the manifest within this many seconds of start. */
  targetSeconds: number;
  /** Issue 15's target: a ready broker (the manifest naming it) within this many seconds of `npm start`. */
  readyTargetSeconds: number;
}

/** Starts the demo, times its milestones, then stops it with SIGTERM; traced into `traceDir` when given. */
async function timeStart(
  dataDir: string,
  homes: number,
  ports: { pod: number; broker: number },
  traceDir?: string,
) {
  const startedAt = Date.now();
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const traceEnv = traceDir
    ? {
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${TRACE_HOOK}`.trim(),
        HOMEDATA_DEMO_TRACE: traceDir,
        // The demo's info lines mark its phases.
        HOMEDATA_LOG_LEVEL: 'info',
      }
    : {};
  const child = spawn(
    process.execPath,
    [
      resolve('bin/homedata.js'),
      'demo',
      ...['--data-dir', dataDir, '--homes', String(homes)],
      ...['--pod-port', String(ports.pod), '--broker-port', String(ports.broker)],
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOMEDATA_LOG_LEVEL: 'warn', ...traceEnv },
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const times: Partial<StartTimes> = {};
  const milestones: Mark[] = [];
  const reached = (name: string) => milestones.push({ t: Date.now(), name });
  // Both milestones: the manifest naming the broker is written just before the line, and a poll may see the line first.
  while (times.runningSeconds === undefined || times.completeManifestSeconds === undefined) {
    if (exitCode !== undefined) throw new Error(`demo exited with ${exitCode}:\n${output}`);
    const manifest = await readFile(join(dataDir, 'demo.json'), 'utf8').then(
      (text) => manifestSchema.parse(JSON.parse(text)),
      () => null,
    );
    if (manifest && times.manifestSeconds === undefined) {
      times.manifestSeconds = seconds();
      reached('(bench) first manifest');
    }
    if (manifest?.broker && times.completeManifestSeconds === undefined) {
      times.completeManifestSeconds = seconds();
      reached('(bench) manifest naming the broker');
    }
    if (output.includes('homedata demo is running') && times.runningSeconds === undefined)
      times.runningSeconds = seconds();
    await new Promise((wait) => setTimeout(wait, 50));
  }
  child.kill('SIGTERM');
  if ((await exited) !== 0) throw new Error(`demo did not stop cleanly:\n${output}`);
  if (traceDir) {
    const end = milestones.at(-1)!.t;
    const marks = [...logMarks(output).filter((mark) => mark.t <= end), ...milestones];
    await writeFile(join(traceDir, 'marks.json'), JSON.stringify({ startedAt, marks }));
    printTrace(await summariseTrace(traceDir, ports.pod, startedAt, marks), (text) =>
      process.stdout.write(text),
    );
    process.stdout.write('\n');
  }
  return times as StartTimes;
}

export async function runDemoBench(homes: number, trace = false): Promise<DemoBenchResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'homedata-demo-bench-'));
  // Kept after the run, for a closer look than the printed summary.
  const traces = trace ? await mkdtemp(join(tmpdir(), 'homedata-demo-trace-')) : undefined;
  const traceDir = async (name: string) => {
    if (!traces) return undefined;
    const folder = join(traces, name);
    await mkdir(folder);
    process.stdout.write(`tracing the ${name} start into ${folder}\n`);
    return folder;
  };
  try {
    const ports = { pod: await findFreePort(), broker: await findFreePort() };
    const first = await timeStart(dataDir, homes, ports, await traceDir('first'));
    // The restart writes its own manifest: time that one, not the first start's.
    await rm(join(dataDir, 'demo.json'));
    const restart = await timeStart(dataDir, homes, ports, await traceDir('restart'));
    return { homes, first, restart, targetSeconds: 30, readyTargetSeconds: 45 };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

export function printDemoBench(result: DemoBenchResult): void {
  const rows: [string, string, string][] = [
    ['seconds to', 'first start', 'restart'],
    ['manifest (pods served, logins work)', ...pair(result, 'manifestSeconds')],
    ['manifest naming the broker', ...pair(result, 'completeManifestSeconds')],
    ['"homedata demo is running"', ...pair(result, 'runningSeconds')],
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) {
    process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}\n`);
  }
  const verdict = (seconds: number, target: number) => (seconds <= target ? 'met' : 'NOT met');
  process.stdout.write(
    `target: manifest within ${result.targetSeconds} s of start ` +
      `(${verdict(result.first.manifestSeconds, result.targetSeconds)})\n` +
      `target: broker ready (manifest naming it) within ${result.readyTargetSeconds} s of start ` +
      `(${verdict(result.first.completeManifestSeconds, result.readyTargetSeconds)})\n`,
  );
  process.stdout.write(`${JSON.stringify({ bench: 'demo', ...result })}\n`);
}

function pair(result: DemoBenchResult, key: keyof StartTimes): [string, string] {
  return [result.first[key].toFixed(1), result.restart[key].toFixed(1)];
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { homes: { type: 'string' }, trace: { type: 'boolean', default: false } },
  });
  const homes = values.homes === undefined ? 24 : Number(values.homes);
  if (!Number.isInteger(homes) || homes < 1)
    throw new Error(`--homes: expected a whole number, got ${values.homes}`);
  printDemoBench(await runDemoBench(homes, values.trace));
}
