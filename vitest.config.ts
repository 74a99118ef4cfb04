// Test projects: unit (pure), integration (real CSS in process), services (real Mosquitto/PostgreSQL), e2e (browser).
import { defineConfig } from 'vitest/config';

// Integration and services files wait on real time (fault windows, retries, deadlines) far more than they compute,
// so several files at once use CI's 2 cores better than one at a time. They can: each file makes its own
// accounts and pods on the shared CSS (random names), its own MQTT topic root and client ids, PostgreSQL schema,
// free ports and temporary folders, and the files that stop a service stop a private one (fault suite).
// Unit and integration share one group of workers (vitest needs the same maxWorkers for that), so the unit files'
// CPU work fills the integration files' waits.
// HOMEDATA_TEST_WORKERS sets another count (1 runs the files one at a time, as before), e.g. to compare on one machine.
const WORKERS = testWorkers(process.env['HOMEDATA_TEST_WORKERS'] ?? '3');

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
