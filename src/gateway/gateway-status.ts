// What `gateway status` reports, and the status file a running gateway rewrites so `status` can read it without the outbox.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ErrorRecord, FlushRecord } from './flush-scheduler.ts';

/** A gateway's health at one moment. */
export interface GatewayStatus {
  /** `running` when read from a live gateway's status file, `stopped` when read from the outbox itself. */
  state: 'running' | 'stopped';
  pid?: number;
  startedAt?: string;
  updatedAt: string;
  /** Readings accepted but not yet in the pod (the outbox depth). */
  pending: number;
  /** Readings in the pod, kept until their day is summarised. */
  awaitingSummary: number;
  summarisedDays: number;
  /** Entries in the quarantine file. */
  quarantined: number;
  flushing?: boolean;
  lastFlush?: FlushRecord;
  lastError?: ErrorRecord;
  /** Consecutive failed flushes (0 when the last one worked). */
  failures?: number;
  nextAttemptAt?: string;
  /** Since start: readings accepted, duplicates ignored, readings delivered, pod writes. */
  totals?: { accepted: number; duplicates: number; delivered: number; writes: number };
}

/** The status file inside a data folder. */
export function statusFilePath(dataDir: string): string {
  return join(dataDir, 'status.json');
}

/** Writes the status file atomically (temporary file, then rename), so a reader never sees half a file. */
export async function writeStatusFile(dataDir: string, status: GatewayStatus): Promise<void> {
  const path = statusFilePath(dataDir);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(status, null, 2)}\n`);
  await rename(temporary, path);
}

/** Reads the status file, or null when there is none. */
export async function readStatusFile(dataDir: string): Promise<GatewayStatus | null> {
  try {
    return JSON.parse(await readFile(statusFilePath(dataDir), 'utf8')) as GatewayStatus;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
