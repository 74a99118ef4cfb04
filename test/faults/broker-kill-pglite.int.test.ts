// Fault suite: the broker process on PGlite is SIGKILLed mid-run and started again on the same data folder; the run is read again and releases the same figures.
import { pgliteScenarioDatabase } from '../helpers/scenario-databases.ts';
import { describeBrokerKill } from './broker-kill.ts';

describeBrokerKill({
  id: 'brokerKilledPglite',
  makeDatabase: () => pgliteScenarioDatabase('homedata-broker-kill-'),
  resumeTimeoutMs: 120_000,
  // One process per folder: a run still marked running at start was cut off, and is read again from the start.
  attempts: 2,
  // PGlite cannot be opened beside the broker: the run's progress (10 % per home of 10) shows the first home read.
  homesRead: async (world, runId) => ((await world.view(runId)).progress / 100) * 10,
});
