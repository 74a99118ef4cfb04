// Real processes for the fault suite: a pod server, gateways and brokers as children, killed with SIGKILL and started again.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/homedata.js');
const RUN_TS = join(ROOT, 'bin/run-ts.js');
/** The gateway as installers start it on a home's board (`homedata-gateway`, the small-board memory profile). */
const GATEWAY = join(ROOT, 'bin/homedata-gateway');
/** The broker in its memory profile (`homedata-broker`), as an operator starts it. */
const BROKER = join(ROOT, 'bin/homedata-broker');

/** Children started by this test file, killed by `killChildren` (call in `afterAll`). */
const children = new Set<ChildProcess>();

/** Kills every child this file started that still runs. */
export function killChildren(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

/** Resolves when the child exits, with its code or signal. */
export function exited(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child.exitCode ?? child.signalCode!);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal!)));
}

/** Kills a child with SIGKILL and waits until it is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await exited(child);
}

/**
 * Spawns `command` (a script of ours, or this Node's binary) with `args`; its stdout lines are JSON log entries,
 * passed to `onLine`; other lines go to `onText`. It logs at `logLevel` (debug: the fault suite reads its steps from
 * the log). A launcher script finds this same Node first on its PATH.
 */
function spawnChild(
  command: string,
  args: string[],
  onLine: (entry: Record<string, unknown>) => void,
  onText: (line: string) => void = () => undefined,
  logLevel = 'debug',
  env: Record<string, string> = {},
): ChildProcess {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}`,
      HOMEDATA_LOG_LEVEL: logLevel,
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      onText(line);
      return;
    }
    onLine(entry);
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return child;
}

/** A server in its own process (pod server, broker): its URL, and the child to kill. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
}

/** A pod server in its own process, on a fixed port and folder so that it can be killed and started again. */
export type PodServerProcess = ServerProcess;

/**
 * Spawns a server child (`command`, by default this Node) and resolves with its URL once `urlOf` finds it in an
 * output line (a JSON entry or a text line); rejects if the child exits first.
 */
async function startServerChild(
  what: string,
  args: string[],
  urlOf: (line: Record<string, unknown> | string) => string | undefined,
  onLog: (entry: Record<string, unknown>) => void = () => undefined,
  logLevel?: string,
  { command = process.execPath, env }: { command?: string; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  let ready!: (url: string) => void;
  const started = new Promise<string>((resolve) => {
    ready = resolve;
  });
  const onOutput = (line: Record<string, unknown> | string) => {
    const url = urlOf(line);
    if (url !== undefined) ready(url);
    if (typeof line === 'object') onLog(line);
  };
  const child = spawnChild(command, args, onOutput, onOutput, logLevel, env);
  const url = await Promise.race([
    started,
    exited(child).then((code) => Promise.reject(new Error(`${what} process exited with ${code}`))),
  ]);
  return { url, child };
}

/** Starts a pod server process on `port` with its files in `dataDir`; resolves once it answers. */
export function startPodServerProcess(dataDir: string, port: number): Promise<PodServerProcess> {
  return startServerChild(
    'pod server',
    [RUN_TS, join(import.meta.dirname, 'pod-server-main.ts'), dataDir, String(port)],
    (line) => (typeof line === 'object' && typeof line.ready === 'string' ? line.ready : undefined),
  );
}

/** How a broker child logs: `onLog` sees each entry, at `logLevel` (default debug). */
export interface BrokerProcessOptions {
  onLog?: (entry: Record<string, unknown>) => void;
  /** A benchmark logs at info: debug lines per pod request cost the broker CPU. */
  logLevel?: string;
  /** Start it as `homedata-broker` (the broker's memory profile) rather than `homedata broker`. */
  memoryProfile?: boolean;
  /** More environment for the child (a benchmark's memory probe). */
  env?: Record<string, string>;
}

/**
 * Starts `homedata broker --config FILE` (or `homedata-broker --config FILE`) as a child; resolves with its URL once
 * it listens.
 */
export function startBrokerProcess(
  configFile: string,
  options: BrokerProcessOptions = {},
): Promise<ServerProcess> {
  return startServerChild(
    'broker',
    options.memoryProfile ? ['--config', configFile] : [CLI, 'broker', '--config', configFile],
    (line) => (typeof line === 'string' ? /^Broker listening at (\S+)/.exec(line)?.[1] : undefined),
    options.onLog,
    options.logLevel,
    { command: options.memoryProfile ? BROKER : process.execPath, env: options.env },
  );
}

/**
 * Starts the gateway as a home runs it, `homedata-gateway --config FILE` (`homedata gateway run` in the small-board
 * profile), as a child; `onLog` sees each log entry; `env` adds to its environment.
 */
export function startGatewayProcess(
  configFile: string,
  onLog: (entry: Record<string, unknown>) => void = () => undefined,
  env: Record<string, string> = {},
): ChildProcess {
  return spawnChild(GATEWAY, ['--config', configFile], onLog, undefined, undefined, env);
}

/**
 * Listens on the pod server's port in its place and answers every request with 500 and 503 in turn (no
 * `Retry-After`), as a pod server behind a failing proxy or shedding load would. Close it to free the port.
 */
export async function serveErrors(port: number): Promise<Server> {
  let count = 0;
  const server = createServer((_req, res) => {
    res.writeHead(count++ % 2 === 0 ? 503 : 500, { 'content-type': 'text/plain' }).end('unavailable');
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** Closes a server and every connection still open on it. */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Starts a pod server process that answers every GET of a summaries document `slowSummariesMs` late: a broker run
 * over a few homes then lasts seconds, long enough to be cut off after some homes were read and before all were.
 */
export function startSlowPodServerProcess(
  dataDir: string,
  port: number,
  slowSummariesMs: number,
): Promise<PodServerProcess> {
  return startServerChild(
    'pod server',
    [RUN_TS, join(import.meta.dirname, 'pod-server-main.ts'), dataDir, String(port), String(slowSummariesMs)],
    (line) => (typeof line === 'object' && typeof line.ready === 'string' ? line.ready : undefined),
  );
}
