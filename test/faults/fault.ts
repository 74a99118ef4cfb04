// Declares a fault test: a vitest `it` that injects one fault of issue 12's list and records its figures for the table.
import { it, type TestContext } from 'vitest';

/** The faults of issue 12, in the order the table lists them. */
export const FAULTS = {
  podKilled: 'pod server killed mid-flush, restarted later',
  gatewayKilled: 'gateway SIGKILL mid-flush, restarted',
  powerCut: 'power cut for the outbox (killed between accept and flush, reopened from disk)',
  podErrors: 'pod server answering 500/503',
  mosquittoRestart: 'Mosquitto restarted while sensors publish',
  brokerKilledPglite: 'broker SIGKILL mid-run (PGlite)',
  brokerKilledPostgres: 'broker SIGKILL mid-run (PostgreSQL)',
  postgresRestart: 'PostgreSQL restarted mid-run',
  tarpit: 'one pod tarpitting (a byte every 10 s) during a run',
  diskFull: 'outbox disk full, then space freed',
  clockAhead: 'gateway clock 10 minutes ahead of the pod server',
} as const;

export type FaultId = keyof typeof FAULTS;

/** What a fault test measured; a cell is `—` where the fault involves no readings or no run. */
export interface FaultFigures {
  sent?: number;
  inPod?: number;
  lost?: number;
  duplicated?: number;
  /** For broker faults: whether the runs finished with the same figures as an undisturbed run. */
  sameFigures?: boolean;
}

/** One row of the fault table. */
export interface FaultRow extends FaultFigures {
  id: FaultId;
  /** How the fault was injected, with the durations of this run. */
  injected: string;
}

declare module 'vitest' {
  interface TaskMeta {
    fault?: FaultRow;
  }
}

/**
 * `npm run faults` sets HOMEDATA_FAULTS_FULL=1: the durations (a pod server down 20 s, errors for 30 s).
 * Inside `npm test` the same cases run with short windows so CI stays quick.
 */
export const FULL_FAULTS = process.env['HOMEDATA_FAULTS_FULL'] === '1';

/** `full` under `npm run faults`, `short` inside the CI suites. */
export function faultWindow(fullMs: number, shortMs: number): number {
  return FULL_FAULTS ? fullMs : shortMs;
}

/**
 * Runs `body` as the test of fault `id`. The body calls `record` with its figures before it asserts them, so a
 * failing row still shows what was measured.
 */
export function fault(
  id: FaultId,
  injected: string,
  body: (record: (figures: FaultFigures) => void, context: TestContext) => Promise<void>,
  timeout?: number,
): void {
  it(
    FAULTS[id],
    async (context) => {
      context.task.meta.fault = { id, injected };
      await body((figures) => {
        context.task.meta.fault = { id, injected, ...figures };
      }, context);
    },
    timeout,
  );
}
