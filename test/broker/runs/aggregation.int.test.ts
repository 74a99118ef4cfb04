// Issue 5's acceptance scenarios against the real pod server, with the broker on embedded PGlite (a data directory).
import { pgliteScenarioDatabase } from '../../helpers/scenario-databases.ts';
import { describeAggregationScenarios } from './aggregation-scenarios.ts';

describeAggregationScenarios('PGlite', () => pgliteScenarioDatabase('homedata-runs-db-'), { shared: false });
