// A pod server as its own process for the fault suite (run with bin/run-ts.js): killed with SIGKILL, started again on the same port and folder.
import { startPodServer } from '../../src/pod/pod-server.ts';

const [dataDir, port] = process.argv.slice(2);
if (!dataDir || !port) {
  process.stderr.write('usage: pod-server-main.ts DATA_DIR PORT\n');
  process.exit(2);
}
const server = await startPodServer({ dataDir, port: Number(port), registration: 'open', logLevel: 'error' });
process.stdout.write(`${JSON.stringify({ ready: server.url })}\n`);
process.on('SIGTERM', () => {
  void server.stop().then(() => process.exit(0));
});
