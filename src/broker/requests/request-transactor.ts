// Changes the `requests` table: filing a council's new data request.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { endOfDateOrInstant, type NewRequest } from './request-schema.ts';

/** A validated request; without `aggregation`, plain (as the schema's default). */
export type StoredRequest = Omit<NewRequest, 'aggregation'> & Partial<Pick<NewRequest, 'aggregation'>>;

/** Stores a validated request for a council and returns its id. */
export async function createRequest(
  db: Queryable,
  councilId: string,
  input: StoredRequest,
  now: Date,
): Promise<string> {
  const id = randomUUID();
  await db.query(
    'INSERT INTO requests (id, council_id, title, purpose, description, metrics, areas, period_from, period_to, ' +
      'granularity, min_cohort, consent_until, dp_epsilon, created_at, split, aggregation) ' +
      'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)',
    [
      id,
      councilId,
      input.title,
      input.purpose,
      input.description,
      JSON.stringify(input.metrics),
      JSON.stringify(input.areas),
      input.period.from,
      input.period.to,
      input.granularity,
      input.minCohort,
      endOfDateOrInstant(input.consentUntil),
      input.dp?.epsilon ?? null,
      now,
      input.split,
      input.aggregation ?? 'plain',
    ],
  );
  return id;
}
