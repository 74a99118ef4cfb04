// Opaque home keys for cohorts: HMAC-SHA256 of the enrolled home's id under a secret only the broker's database holds.
import { createHmac, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { BrokerSecretRow } from '../db/schema/broker-secrets.ts';

const SECRET_NAME = 'home-key';

/**
 * Turns an enrolled home's id into the key cohorts and the release history use; the same home always gives the
 * same key, whichever WebID consented for it. Keyed by the home, not the WebID, so that two WebIDs cannot make one
 * dwelling two cohort members, and a WebID that moves to another pod becomes another member. The HMAC keeps the
 * operator's home ids (UPRNs) out of the run tables.
 */
export type HomeKeyer = (homeId: string) => string;

/**
 * The home-key secret, made (32 random bytes) on first use. Kept in the database so that every broker process
 * and every restart derives the same keys, and the release history stays comparable.
 */
export async function loadHomeKeyer(db: Queryable, now: Date): Promise<HomeKeyer> {
  await db.query(
    'INSERT INTO broker_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING',
    [SECRET_NAME, randomBytes(32).toString('hex'), now],
  );
  const rows = await db.query<Pick<BrokerSecretRow, 'value'>>(
    'SELECT value FROM broker_secrets WHERE name = $1',
    [SECRET_NAME],
  );
  const secret = Buffer.from(rows[0]!.value, 'hex');
  return (homeId) => createHmac('sha256', secret).update(homeId, 'utf8').digest('hex');
}
