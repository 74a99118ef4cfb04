// Test projects: unit (pure), integration (real CSS in process), services (real Mosquitto/PostgreSQL), e2e (browser).
import { defineConfig } from 'vitest/config';

// How many integration and services files run at once (HOMEDATA_TEST_WORKERS, default 2). The files wait on real
// time (fault windows, retries, deadlines) far more than they compute, and each makes its own accounts and pods on
// the shared CSS (random names), MQTT topic root and client ids, PostgreSQL schema, free ports and temporary
// folders, and the fault suite stops only private services, so more than one can share a project's servers. On the
// quiet 2-core machine (2026-11-29) 2 workers ran `npm test` in 432 s against 891 s one at a time, and
// `npm run test:services` in 170 s against 409 s, all green. Set 1 on a machine already at high load: at load 20+
// CSS answers "Lock expired after 6000ms" (3 workers there failed most integration files, one at a time failed
// too). Unit and integration share one group of workers (vitest needs the same maxWorkers for that), so the unit
// files' CPU work can fill the integration files' waits.
const WORKERS = testWorkers(process.env['HOMEDATA_TEST_WORKERS'] ?? '2');

function testWorkers(text: string): number {
  const workers = Number(text);
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(`HOMEDATA_TEST_WORKERS must be a whole number of at least 1, not "${text}"`);
  return workers;
}

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/helpers/broker-database-setup.ts'],
          // Some unit files open an embedded PGlite database: seconds per test when two workers share a busy
          // machine (a 5 s default cut one off at load 9). A bound for a hung test, not a speed target.
          testTimeout: 30_000,
          exclude: [
            'test/**/*.int.test.ts',
            'test/**/*.svc.test.ts',
            'test/**/*.e2e.test.ts',
            'node_modules',
          ],
          maxWorkers: WORKERS,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/helpers/pod-server-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          maxWorkers: WORKERS,
        },
      },
      {
        test: {
          name: 'services',
          include: ['test/**/*.svc.test.ts'],
          globalSetup: ['test/helpers/pod-server-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          maxWorkers: WORKERS,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
