// Issue 5's acceptance scenarios against the real pod server, with the broker on PostgreSQL (a fresh schema per run).
import { postgresScenarioDatabase } from '../../helpers/scenario-databases.ts';
import { describeAggregationScenarios } from './aggregation-scenarios.ts';

describeAggregationScenarios('PostgreSQL', () => postgresScenarioDatabase('runs_test_'), { shared: true });
