// Records each DPoP proof the broker accepts, once, in the database: a proof sent again is refused
// (docs/security.md, L1).
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database.ts';

/** The key of a proof in `dpop_replay`: its `jti` scoped to the key that signed it. */
export function proofDigest(keyThumbprint: string, jti: string): string {
  return createHash('sha256').update(keyThumbprint).update('\n').update(jti).digest('hex');
}

/**
 * Claims a proof in one atomic statement: true the first time, false if a broker process (this one or another
 * on the same database) has claimed it and it has not expired. A stale row left by a missed prune is taken over.
 * "Expired" is strictly after `expires_at`: at that very instant the proof is still accepted, so its row must hold.
 */
export async function claimProof(
  db: Queryable,
  digest: string,
  expiresAt: Date,
  now: Date,
): Promise<boolean> {
  const rows = await db.query(
    'INSERT INTO dpop_replay (jti_digest, expires_at) VALUES ($1, $2) ' +
      'ON CONFLICT (jti_digest) DO UPDATE SET expires_at = EXCLUDED.expires_at ' +
      'WHERE dpop_replay.expires_at < $3 RETURNING jti_digest',
    [digest, expiresAt, now],
  );
  return rows.length === 1;
}

/** Deletes the proofs that have expired (strictly before `now`); returns how many. */
export async function pruneExpiredProofs(db: Queryable, now: Date): Promise<number> {
  const rows = await db.query('DELETE FROM dpop_replay WHERE expires_at < $1 RETURNING jti_digest', [now]);
  return rows.length;
}
