// The status of a gateway that is not running, read from its outbox; a running gateway's comes from its status file.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '../errors.ts';
import { lockDataDir, lockHolder } from './data-dir-lock.ts';
import type { ErrorRecord, FlushRecord } from './flush-scheduler.ts';
import { readStatusFile, type GatewayStatus } from './gateway-status.ts';
import { OutboxReader } from './outbox-reader.ts';
import { openOutboxDatabase } from './outbox-store.ts';
import { countQuarantined } from './quarantine.ts';

/**
 * The gateway's status. While a gateway holds the data folder it comes from the status file that gateway
 * rewrites: PGlite allows one process per database folder, so the outbox cannot be opened beside it. Otherwise
 * the outbox is opened (under the same lock, so no gateway starts meanwhile) and read.
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
  try {
    await access(join(dataDir, 'outbox'));
  } catch {
    throw new NotFoundError(`No gateway outbox in ${dataDir}`, { dataDir });
  }
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
