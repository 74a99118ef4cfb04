// The in-process CSS on a thread of its own: the demo's broker, gateways and fixture work then use the second core
// instead of queueing behind the pod server's (profiled: about half of the demo's start-up CPU is CSS's).
import { PodError } from '../errors.ts';
import { startModuleThread } from '../module-thread.ts';
import type { PodServer, PodServerOptions } from './pod-server.ts';

/** What the thread says: the server it started, or why it could not. */
export type PodServerThreadMessage =
  | { kind: 'ready'; server: Omit<PodServer, 'stop'> }
  | { kind: 'failed'; message: string }
  | { kind: 'stopped' };

/**
 * The thread's young generation, twice V8's default (48 MB, 16 MB semi-spaces): CSS makes short-lived objects on
 * every request (RDF stores of metadata, streams), and scavenging them took ~25 % of the thread's CPU during the
 * demo's start (traced: 7.5 of 30 s); with 96 MB, 17 % (4.6 of 27.6 s).
 */
const POD_SERVER_HEAP = { maxYoungGenerationSizeMb: 96 };

/** Starts a Community Solid Server as `startPodServer` does, but on a worker thread of this process. */
export async function startPodServerThread(options: PodServerOptions): Promise<PodServer> {
  const worker = startModuleThread(import.meta.url, 'pod-server-thread-main', {
    workerData: options,
    resourceLimits: POD_SERVER_HEAP,
  });
  const exited = new Promise<number>((done) => worker.once('exit', done));
  const message = await new Promise<PodServerThreadMessage>((done, fail) => {
    worker.once('message', done);
    worker.once('error', fail);
    void exited.then((code) => fail(new Error(`pod server thread exited with code ${code}`)));
  }).catch((error: unknown) => ({ kind: 'failed' as const, message: String(error) }));
  if (message.kind !== 'ready') {
    await worker.terminate();
    const reason = message.kind === 'failed' ? message.message : message.kind;
    throw new PodError(`Pod server thread did not start: ${reason}`, { port: options.port, reason });
  }
  return {
    ...message.server,
    async stop() {
      worker.postMessage('stop');
      await exited;
    },
  };
}
