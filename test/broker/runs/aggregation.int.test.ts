// Issue 5's acceptance scenarios against the real pod server, with the broker on embedded PGlite (a data directory).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAggregationScenarios } from './aggregation-scenarios.ts';

describeAggregationScenarios(
  'PGlite',
  async () => {
    const parent = await mkdtemp(join(tmpdir(), 'homedata-runs-db-'));
    const dir = join(parent, 'db');
    return {
      config: { dbDir: dir },
      target: { kind: 'pglite', dir },
      dispose: () => rm(parent, { recursive: true, force: true }),
    };
  },
  { shared: false },
);
