// The broker part's face for making a new embedded database ahead of the broker, on a thread of its own.
// Kept apart from ./index.ts so that the demo can start it before it loads the broker (express, the queue, the routes).
import { ConfigError } from '../errors.ts';
import { startModuleThread } from '../module-thread.ts';

/**
 * Creates the PGlite database in `dir` (PostgreSQL's initdb) and brings it to the broker's schema on a worker
 * thread, then closes it, so that a broker opening `dir` next finds it ready. PGlite's first start holds the thread
 * it runs on (initdb as synchronous WebAssembly: measured alone, the event loop blocked 7–9 s at load average 8–9;
 * ~4 s of the demo's start at 2.4), which on the demo's main thread stopped the requests that kept CSS busy.
 */
export async function prepareBrokerDatabase(dir: string): Promise<void> {
  const worker = startModuleThread(import.meta.url, 'database-thread-main', { workerData: { dir } });
  const failure = await new Promise<unknown>((done) => {
    worker.once('error', done);
    worker.once('exit', (code) => done(code === 0 ? undefined : `exit code ${code}`));
  });
  if (failure !== undefined) {
    // What the thread threw arrives as a plain copy: its message is what the operator needs (e.g. the folder in use).
    const reason = failure instanceof Error ? failure.message : String(failure);
    throw new ConfigError(`Could not prepare the broker's database in ${dir}: ${reason}`, { dir });
  }
}
