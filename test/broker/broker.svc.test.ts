// Issue 4's acceptance scenarios against the real pod server, with the broker on PostgreSQL (a fresh schema per run).
import { postgresScenarioDatabase } from '../helpers/scenario-databases.ts';
import { describeBrokerScenarios } from './broker-scenarios.ts';

describeBrokerScenarios('PostgreSQL', () => postgresScenarioDatabase('broker_test_'));
