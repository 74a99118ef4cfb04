// The helper's own database on PostgreSQL (its own schema): what it keeps survives a restart of the helper.
import { afterAll, beforeAll, describe } from 'vitest';
import { postgresScenarioDatabase, type ScenarioDatabase } from '../../helpers/scenario-databases.ts';
import { helperStoreCases } from './helper-store-cases.ts';

let database: ScenarioDatabase;

beforeAll(async () => {
  database = await postgresScenarioDatabase('helper_store_');
});

afterAll(async () => {
  await database?.dispose();
});

describe('the helper database on PostgreSQL', () => {
  helperStoreCases(() => database.target);
});
