// Reads the webhook tables: a council's webhook and its delivery log.
import type { Queryable } from '../db/database.ts';
import type { CouncilWebhookRow } from '../db/schema/council-webhooks.ts';
import type { WebhookDeliveryRow } from '../db/schema/webhook-deliveries.ts';

/** The council's registered webhook, or null. */
export async function findCouncilWebhook(
  db: Queryable,
  councilId: string,
): Promise<CouncilWebhookRow | null> {
  const rows = await db.query<CouncilWebhookRow>('SELECT * FROM council_webhooks WHERE council_id = $1', [
    councilId,
  ]);
  return rows[0] ?? null;
}

/** The council's last `limit` deliveries, newest event first; another council's are never among them. */
export function listCouncilDeliveries(
  db: Queryable,
  councilId: string,
  limit: number,
): Promise<WebhookDeliveryRow[]> {
  return db.query<WebhookDeliveryRow>(
    'SELECT * FROM webhook_deliveries WHERE council_id = $1 ORDER BY occurred_at DESC, id LIMIT $2',
    [councilId, limit],
  );
}
