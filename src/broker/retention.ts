// Deletes what the broker no longer needs (security review L9): old audit rows, stale per-home run values, old deliveries.
import type { Logger } from '../logging.ts';
import { pruneAuditLog } from './audit/audit-retention.ts';
import type { BrokerConfig } from './config.ts';
import type { Database, Queryable } from './db/database.ts';
import { pruneSettledDeliveries } from './webhooks/webhook-transactor.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/**
 * Deletes per-home run values of runs that ended (a shared run deletes them itself; this catches a crash in
 * between) and of runs started more than the retention period ago. Returns how many rows went.
 */
export async function pruneRunValues(db: Queryable, cutoff: Date): Promise<number> {
  const rows = await db.query<{ run_id: string }>(
    'DELETE FROM run_values v USING runs r WHERE v.run_id = r.id AND ' +
      "(r.state IN ('done', 'failed') OR coalesce(r.started_at, r.created_at) < $1) RETURNING v.run_id",
    [cutoff],
  );
  return rows.length;
}

/** What one prune deleted. */
export interface PruneOutcome {
  auditRows: number;
  runValues: number;
  /** Settled webhook deliveries (delivered or given up) past `webhookDeliveriesDays`. */
  webhookDeliveries: number;
}

/** Prunes both tables as of `now` under the configured retention. */
export async function pruneExpired(
  db: Database,
  auditKey: Uint8Array,
  retention: BrokerConfig['retention'],
  now: Date,
): Promise<PruneOutcome> {
  const auditRows = await pruneAuditLog(db, auditKey, new Date(now.getTime() - retention.auditLogDays * DAY));
  const runValues = await pruneRunValues(db, new Date(now.getTime() - retention.runValuesHours * HOUR));
  const webhookDeliveries = await pruneSettledDeliveries(
    db,
    new Date(now.getTime() - retention.webhookDeliveriesDays * DAY),
  );
  return { auditRows, runValues, webhookDeliveries };
}

/**
 * Prunes once now (awaited, so a broker starts with nothing past retention) and then every `pruneEveryMinutes`,
 * each time as of `clock()`; returns a function that stops the timer. A failed periodic prune is logged and tried
 * again next time.
 */
export async function startRetention(deps: {
  db: Database;
  auditKey: Uint8Array;
  retention: BrokerConfig['retention'];
  clock: () => Date;
  logger: Logger;
}): Promise<() => void> {
  const prune = async () => {
    const outcome = await pruneExpired(deps.db, deps.auditKey, deps.retention, deps.clock());
    if (outcome.auditRows + outcome.runValues + outcome.webhookDeliveries > 0)
      deps.logger.info(outcome, 'pruned past retention');
  };
  await prune();
  const timer = setInterval(() => {
    prune().catch((error: unknown) => deps.logger.error({ err: error }, 'retention prune failed'));
  }, deps.retention.pruneEveryMinutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
