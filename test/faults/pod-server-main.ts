// A pod server as its own process for the fault suite (run with bin/run-ts.js): killed with SIGKILL, started again on the same port and folder.
import { Server, type IncomingMessage } from 'node:http';
import { startPodServer } from '../../src/pod/pod-server.ts';

const [dataDir, port, slowSummariesMs] = process.argv.slice(2);
if (!dataDir || !port) {
  process.stderr.write('usage: pod-server-main.ts DATA_DIR PORT [SLOW_SUMMARIES_MS]\n');
  process.exit(2);
}

// A broker run reads a home in a fraction of a second here: answering each summaries GET late stretches a run to
// seconds, so that a fault can be injected after some homes were read and before all were.
if (slowSummariesMs !== undefined) {
  const delayMs = Number(slowSummariesMs);
  const emit = Server.prototype.emit as (this: Server, event: string, ...args: unknown[]) => boolean;
  Server.prototype.emit = function (this: Server, event: string, ...args: unknown[]): boolean {
    // The test process seeding these pods summarises a home's readings for seconds at a time on a loaded machine: a
    // connection it left idle past Node's 5 s keep-alive was closed under the next PUT ("other side closed").
    if (event === 'connection') this.keepAliveTimeout = 60_000;
    const request = args[0] as IncomingMessage | undefined;
    if (event === 'request' && request?.method === 'GET' && request.url?.includes('/summaries/')) {
      setTimeout(() => emit.call(this, event, ...args), delayMs);
      return true;
    }
    return emit.call(this, event, ...args);
  } as typeof Server.prototype.emit;
}

const server = await startPodServer({
  dataDir,
  port: Number(port),
  registration: 'open',
  logLevel: (process.env.HOMEDATA_CSS_LOG as 'warn' | undefined) ?? 'error',
});
process.stdout.write(`${JSON.stringify({ ready: server.url })}\n`);
process.on('SIGTERM', () => {
  void server.stop().then(() => process.exit(0));
});
