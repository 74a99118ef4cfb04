// Issue 4's acceptance scenarios against the real pod server, with the broker on embedded PGlite (a data directory).
import { pgliteScenarioDatabase } from '../helpers/scenario-databases.ts';
import { describeBrokerScenarios } from './broker-scenarios.ts';

describeBrokerScenarios('PGlite', () => pgliteScenarioDatabase('homedata-broker-db-'));
