// Appends rows to the audit log, chaining each to the one before under a table lock.
import type { Database } from '../db/database.ts';
import type { AuditRow } from '../db/schema/audit-log.ts';
import { auditRowHash, GENESIS_HASH, type AuditEntry } from './audit-chain.ts';

/** One pod read to record. */
export type AuditRecord = Omit<AuditEntry, 'seq' | 'at'> & { at: Date };

/** A row as written: its entry and its hash (access records in the resident's pod are named after it). */
export type WrittenAuditEntry = AuditEntry & { rowHash: string };

/**
 * Appends records in order, in one transaction. The lock makes concurrent writers (several broker processes on
 * one PostgreSQL, or parallel reads in one process) take turns, so each row chains to the true last row.
 */
export async function appendAuditRecords(
  db: Database,
  records: readonly AuditRecord[],
): Promise<WrittenAuditEntry[]> {
  if (records.length === 0) return [];
  return db.transaction(async (tx) => {
    await tx.exec('LOCK TABLE audit_log IN EXCLUSIVE MODE');
    const last = await tx.query<Pick<AuditRow, 'seq' | 'row_hash'>>(
      'SELECT seq, row_hash FROM audit_log ORDER BY seq DESC LIMIT 1',
    );
    let seq = last[0]?.seq ?? 0;
    let prevHash = last[0]?.row_hash ?? GENESIS_HASH;
    const written: WrittenAuditEntry[] = [];
    for (const record of records) {
      seq += 1;
      const entry: AuditEntry = { ...record, seq, at: record.at.toISOString() };
      const rowHash = auditRowHash(prevHash, entry);
      await tx.query(
        'INSERT INTO audit_log (seq, at, request_id, run_id, resident_webid, resource, status, prev_hash, row_hash) ' +
          'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [
          seq,
          record.at,
          entry.requestId,
          entry.runId,
          entry.residentWebId,
          entry.resource,
          entry.status,
          prevHash,
          rowHash,
        ],
      );
      written.push({ ...entry, rowHash });
      prevHash = rowHash;
    }
    return written;
  });
}
