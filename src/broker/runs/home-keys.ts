// Opaque home keys for cohorts: HMAC-SHA256 of the resident's WebID under a secret only the broker's database holds.
import { createHmac, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { BrokerSecretRow } from '../db/schema/broker-secrets.ts';

const SECRET_NAME = 'home-key';

/** Turns a WebID into the key cohorts and the release history use; the same WebID always gives the same key. */
export type HomeKeyer = (webId: string) => string;

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
  return (webId) => createHmac('sha256', secret).update(webId, 'utf8').digest('hex');
}
