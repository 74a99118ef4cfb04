// Changes the `councils` table: adding a council, minting its API key, revoking and rotating that key.
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import type { Queryable } from '../db/database.ts';
import { hashApiKey, newApiKey } from './api-key.ts';
import type { Council } from './council-reader.ts';

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

/** Finds a council by its id or exact name, or throws NotFoundError. */
async function councilNamed(db: Queryable, nameOrId: string): Promise<Council> {
  const rows = await db.query<Council>('SELECT id, name FROM councils WHERE id = $1 OR name = $2', [
    nameOrId,
    nameOrId.trim(),
  ]);
  if (rows.length === 0) throw new NotFoundError(`No council named "${nameOrId}"`, { council: nameOrId });
  return rows[0]!;
}

/**
 * Revokes a council's API key: the next call with it gets a 401 problem. Nothing else changes (its requests, runs
 * and releases stay, and the differencing rule still counts them); `rotateCouncilKey` gives it a working key again.
 */
export async function revokeCouncilKey(
  db: Queryable,
  nameOrId: string,
  now: Date = new Date(),
): Promise<Council> {
  const council = await councilNamed(db, nameOrId);
  await db.query('UPDATE councils SET key_revoked_at = coalesce(key_revoked_at, $2) WHERE id = $1', [
    council.id,
    now,
  ]);
  return council;
}

/** Replaces a council's API key with a new one (shown once); the old key fails from now on. */
export async function rotateCouncilKey(db: Queryable, nameOrId: string): Promise<NewCouncil> {
  const council = await councilNamed(db, nameOrId);
  const apiKey = newApiKey();
  await db.query('UPDATE councils SET key_hash = $2, key_revoked_at = NULL WHERE id = $1', [
    council.id,
    hashApiKey(apiKey),
  ]);
  return { ...council, apiKey };
}
