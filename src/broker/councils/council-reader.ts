// Reads the `councils` table: finding a council by its API key.
import type { Queryable } from '../db/database.ts';
import type { CouncilRow } from '../db/schema/councils.ts';
import { hashApiKey } from './api-key.ts';

/** A council as routes see it (never its key hash). */
export interface Council {
  id: string;
  name: string;
}

/** The council holding this API key, or null. */
export async function findCouncilByKey(db: Queryable, apiKey: string): Promise<Council | null> {
  const rows = await db.query<Pick<CouncilRow, 'id' | 'name'>>(
    'SELECT id, name FROM councils WHERE key_hash = $1',
    [hashApiKey(apiKey)],
  );
  return rows[0] ?? null;
}
