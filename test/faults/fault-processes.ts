// Real processes for the fault suite: a pod server and gateways as children, killed with SIGKILL and started again.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/homedata.js');
const RUN_TS = join(ROOT, 'bin/run-ts.js');

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

/** Spawns a child whose stdout lines are JSON log entries (or other lines, ignored) passed to `onLine`. */
function spawnChild(args: string[], onLine: (entry: Record<string, unknown>) => void): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, HOMEDATA_LOG_LEVEL: 'debug', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      onLine(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a JSON line
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return child;
}

/** A pod server in its own process, on a fixed port and folder so that it can be killed and started again. */
export interface PodServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
}

/** Starts a pod server process on `port` with its files in `dataDir`; resolves once it answers. */
export async function startPodServerProcess(dataDir: string, port: number): Promise<PodServerProcess> {
  let ready!: (url: string) => void;
  const started = new Promise<string>((resolve) => {
    ready = resolve;
  });
  const child = spawnChild(
    [RUN_TS, join(import.meta.dirname, 'pod-server-main.ts'), dataDir, String(port)],
    (line) => {
      if (typeof line.ready === 'string') ready(line.ready);
    },
  );
  const url = await Promise.race([
    started,
    exited(child).then((code) => Promise.reject(new Error(`pod server process exited with ${code}`))),
  ]);
  return { url, child };
}

/** Starts `homedata gateway run --config FILE` as a child; `onLog` sees each log entry. */
export function startGatewayProcess(
  configFile: string,
  onLog: (entry: Record<string, unknown>) => void = () => undefined,
): ChildProcess {
  return spawnChild([CLI, 'gateway', 'run', '--config', configFile], onLog);
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
