// Issue 5's acceptance scenarios against the real pod server, with the broker on PostgreSQL (a fresh schema per run).
import pg from 'pg';
import { describeAggregationScenarios } from './aggregation-scenarios.ts';

/** The CI PostgreSQL (trust auth); override with TEST_DATABASE_URL. */
const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describeAggregationScenarios(
  'PostgreSQL',
  async () => {
    const schema = `runs_test_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
    return {
      config: { databaseUrl: url, databaseSchema: schema },
      target: { kind: 'postgres', url, schema },
      async dispose() {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await client.end();
        }
      },
    };
  },
  { shared: true },
);
