// Changes `consent_watches`: a new subscription's token and channel.
import type { Queryable } from '../db/database.ts';

/** Records the subscription made for a consent under `token`, replacing an earlier one. */
export async function recordWatch(
  db: Queryable,
  watch: {
    request_id: string;
    resident_webid: string;
    token: string;
    channel: string;
    ends_at: Date | null;
    subscribed_at: Date;
  },
): Promise<void> {
  await db.query(
    'INSERT INTO consent_watches (request_id, resident_webid, token, channel, ends_at, subscribed_at) ' +
      'VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (request_id, resident_webid) DO UPDATE SET ' +
      'token = EXCLUDED.token, channel = EXCLUDED.channel, ends_at = EXCLUDED.ends_at, ' +
      'subscribed_at = EXCLUDED.subscribed_at',
    [watch.request_id, watch.resident_webid, watch.token, watch.channel, watch.ends_at, watch.subscribed_at],
  );
}
