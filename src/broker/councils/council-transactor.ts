// Changes the `councils` table: adding a council and minting its API key.
import { randomUUID } from 'node:crypto';
import { ConflictError, ValidationError } from '../../errors.ts';
import type { Queryable } from '../db/database.ts';
import { hashApiKey, newApiKey } from './api-key.ts';

/** A council just added, with its key: the only time the key is ever seen. */
export interface NewCouncil {
  id: string;
  name: string;
  apiKey: string;
}

/** Adds a council and returns its API key (stored hashed only). */
export async function addCouncil(db: Queryable, name: string, now: Date = new Date()): Promise<NewCouncil> {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) {
    throw new ValidationError('A council name needs 1 to 200 characters', { field: 'name' });
  }
  const id = randomUUID();
  const apiKey = newApiKey();
  const rows = await db.query<{ id: string }>(
    'INSERT INTO councils (id, name, key_hash, created_at) VALUES ($1, $2, $3, $4) ' +
      'ON CONFLICT (name) DO NOTHING RETURNING id',
    [id, trimmed, hashApiKey(apiKey), now],
  );
  if (rows.length === 0) {
    throw new ConflictError('council-exists', `A council named "${trimmed}" already exists`, {
      name: trimmed,
    });
  }
  return { id, name: trimmed, apiKey };
}
