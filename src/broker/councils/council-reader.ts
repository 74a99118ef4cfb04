// Reads the `councils` table: finding a council by its API key.
import type { Queryable } from '../db/database.ts';
import type { CouncilRow } from '../db/schema/councils.ts';
import { hashApiKey } from './api-key.ts';

/** A council as routes see it (never its key hash). */
export interface Council {
  id: string;
  name: string;
}

/** The council holding this API key, or null (also when the key was revoked). */
export async function findCouncilByKey(db: Queryable, apiKey: string): Promise<Council | null> {
  const rows = await db.query<Pick<CouncilRow, 'id' | 'name'>>(
    'SELECT id, name FROM councils WHERE key_hash = $1 AND key_revoked_at IS NULL',
    [hashApiKey(apiKey)],
  );
  return rows[0] ?? null;
}
