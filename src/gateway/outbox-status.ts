// The status of a gateway that is not running, read from its outbox; a running gateway's comes from its status file.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '../errors.ts';
import { lockDataDir, lockHolder } from './data-dir-lock.ts';
import type { ErrorRecord, FlushRecord } from './flush-scheduler.ts';
import { readStatusFile, type GatewayStatus } from './gateway-status.ts';
import { OutboxReader } from './outbox-reader.ts';
import { PGLITE_OUTBOX_DIR } from './outbox-pglite-import.ts';
import { openOutboxDatabase, OUTBOX_FILE } from './outbox-store.ts';
import { countQuarantined } from './quarantine.ts';

/**
 * The gateway's status. While a gateway holds the data folder it comes from the status file that gateway
 * rewrites, so `gateway status` never touches a running gateway's outbox. Otherwise the outbox is opened (under the same lock, so no gateway
 * starts meanwhile; an older gateway's PGlite outbox is upgraded on the way) and read.
 */
export async function readOutboxStatus(dataDir: string, quarantineFile: string): Promise<GatewayStatus> {
  const holder = await lockHolder(dataDir);
  if (holder !== null) {
    const file = await readStatusFile(dataDir);
    if (file && file.pid === holder) return file;
    return {
      state: 'running',
      pid: holder,
      updatedAt: new Date().toISOString(),
      pending: 0,
      awaitingSummary: 0,
      summarisedDays: 0,
      quarantined: await countQuarantined(quarantineFile),
    };
  }
  const found = await Promise.any(
    [OUTBOX_FILE, PGLITE_OUTBOX_DIR].map((name) => access(join(dataDir, name)).then(() => true)),
  ).catch(() => false);
  if (!found) throw new NotFoundError(`No gateway outbox in ${dataDir}`, { dataDir });
  const release = await lockDataDir(dataDir);
  try {
    const db = await openOutboxDatabase(dataDir);
    try {
      const reader = new OutboxReader(db);
      const counts = await reader.counts();
      const lastFlush = await reader.state<FlushRecord>('lastFlush');
      const lastError = await reader.state<ErrorRecord>('lastError');
      return {
        state: 'stopped',
        updatedAt: new Date().toISOString(),
        pending: counts.pending,
        awaitingSummary: counts.awaitingSummary,
        summarisedDays: counts.summarisedDays,
        quarantined: await countQuarantined(quarantineFile),
        ...(lastFlush ? { lastFlush } : {}),
        ...(lastError ? { lastError } : {}),
      };
    } finally {
      await db.close();
    }
  } finally {
    await release();
  }
}
