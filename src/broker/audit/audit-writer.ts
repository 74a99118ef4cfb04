// Appends rows to the audit log, chaining each to the one before under a table lock and the audit key; seals the
// start of the keyed chain.
import type { Logger } from '../../logging.ts';
import type { Database } from '../db/database.ts';
import type { AuditRow } from '../db/schema/audit-log.ts';
import { auditRowHash, chainMarkMac, GENESIS_HASH, keyedFromMark, type AuditEntry } from './audit-chain.ts';
import { AuditChainBrokenError } from './audit-errors.ts';
import { readChainState } from './audit-reader.ts';

/** One pod read to record. */
export type AuditRecord = Omit<AuditEntry, 'seq' | 'at'> & { at: Date };

/** A row as written: its entry and its hash (access records in the resident's pod are named after it). */
export type WrittenAuditEntry = AuditEntry & { rowHash: string };

/**
 * Appends records in order, in one transaction, each hashed with HMAC under `key`. The lock makes concurrent
 * writers (several broker processes on one PostgreSQL, or parallel reads in one process) take turns, so each row
 * chains to the true last row.
 */
export async function appendAuditRecords(
  db: Database,
  key: Uint8Array,
  records: readonly AuditRecord[],
): Promise<WrittenAuditEntry[]> {
  if (records.length === 0) return [];
  return db.transaction(async (tx) => {
    await tx.exec('LOCK TABLE audit_log IN EXCLUSIVE MODE');
    const last = await tx.query<Pick<AuditRow, 'seq' | 'row_hash'>>(
      'SELECT seq, row_hash FROM audit_log ORDER BY seq DESC LIMIT 1',
    );
    let seq = Number(last[0]?.seq ?? 0);
    let prevHash = last[0]?.row_hash ?? GENESIS_HASH;
    const written: WrittenAuditEntry[] = [];
    const values: unknown[] = [];
    for (const record of records) {
      seq += 1;
      const entry: AuditEntry = { ...record, seq, at: record.at.toISOString() };
      const rowHash = auditRowHash(prevHash, entry, key);
      values.push(
        seq,
        record.at,
        entry.requestId,
        entry.runId,
        entry.residentWebId,
        entry.resource,
        entry.status,
        prevHash,
        rowHash,
      );
      written.push({ ...entry, rowHash });
      prevHash = rowHash;
    }
    // One statement for the batch: each is a round trip, and a run appends a batch per home.
    const rows = written.map(
      (_, row) => `(${Array.from({ length: 9 }, (_, column) => `$${row * 9 + column + 1}`).join(', ')})`,
    );
    await tx.query(
      'INSERT INTO audit_log (seq, at, request_id, run_id, resident_webid, resource, status, prev_hash, row_hash) ' +
        `VALUES ${rows.join(', ')}`,
      values,
    );
    return written;
  });
}

/**
 * Seals where the keyed chain starts (set by migration 008 at the first row after the upgrade), with the hash of
 * the last unkeyed row, under a MAC with `key`, once, at the broker's first start with a key. Refused when rows already follow an unsealed switch point:
 * someone changed `audit_chain`, and sealing it now would bless their change.
 */
export async function sealKeyedChain(db: Database, key: Uint8Array, logger: Logger): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.exec('LOCK TABLE audit_log IN EXCLUSIVE MODE');
    const state = await readChainState(tx);
    if (state.keyed_from_mac !== null) return;
    const after = await tx.query('SELECT 1 FROM audit_log WHERE seq >= $1 LIMIT 1', [state.keyed_from_seq]);
    if (after.length > 0) {
      throw new AuditChainBrokenError({
        seq: state.keyed_from_seq,
        reason: 'the start of the keyed chain is not sealed but rows follow it (audit_chain was changed)',
      });
    }
    // Sealed before any pruning (retention starts after this), so the row before the switch is still there.
    const before = await tx.query<{ row_hash: string }>('SELECT row_hash FROM audit_log WHERE seq = $1', [
      state.keyed_from_seq - 1,
    ]);
    const prevHash = before[0]?.row_hash ?? GENESIS_HASH;
    await tx.query('UPDATE audit_chain SET keyed_from_prev_hash = $1, keyed_from_mac = $2 WHERE id = 1', [
      prevHash,
      chainMarkMac(key, keyedFromMark(state.keyed_from_seq, prevHash)),
    ]);
    logger.info({ keyedFromSeq: state.keyed_from_seq }, 'audit chain keyed from this row on');
  });
}
