// Entry point of the pod server's thread (pod-server-thread.ts): starts CSS, reports, stops when told.
import { parentPort, workerData } from 'node:worker_threads';
import { startPodServer, type PodServerOptions } from './pod-server.ts';
import type { PodServerThreadMessage } from './pod-server-thread.ts';

const port = parentPort;
if (port === null) throw new Error('pod-server-thread-main.ts runs only as a worker thread');
const say = (message: PodServerThreadMessage) => port.postMessage(message);

try {
  const { stop, ...server } = await startPodServer(workerData as PodServerOptions);
  port.on('message', (message) => {
    if (message !== 'stop') return;
    void stop().finally(() => {
      say({ kind: 'stopped' });
      port.close();
      process.exit(0);
    });
  });
  say({ kind: 'ready', server });
} catch (error) {
  say({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
}
