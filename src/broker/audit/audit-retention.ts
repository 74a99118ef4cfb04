// Prunes audit rows older than the retention period, keeping the rest of the chain checkable from a keyed anchor.
import type { Database } from '../db/database.ts';
import { chainMarkMac, prunedThroughMark } from './audit-chain.ts';
import { AuditChainBrokenError } from './audit-errors.ts';
import { readChainState, verifyAuditLog } from './audit-reader.ts';

/**
 * Deletes the oldest audit rows, up to the last one before the first row written at or after `cutoff` (so the
 * log stays one unbroken chain), and records the last deleted row's number and hash with their MAC under `key`
 * in `audit_chain`: `homedata audit verify` goes on from there. The prefix is verified before it is deleted; a
 * broken prefix is kept as evidence and the prune refused. Returns how many rows were deleted.
 */
export async function pruneAuditLog(db: Database, key: Uint8Array, cutoff: Date): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.exec('LOCK TABLE audit_log IN EXCLUSIVE MODE');
    const state = await readChainState(tx);
    const [bounds] = await tx.query<{ first_kept: number | null; last: number | null }>(
      'SELECT (SELECT min(seq) FROM audit_log WHERE at >= $1) AS first_kept, (SELECT max(seq) FROM audit_log) AS last',
      [cutoff],
    );
    const through = Number(bounds?.first_kept != null ? bounds.first_kept - 1 : (bounds?.last ?? 0));
    if (through <= state.pruned_through_seq) return 0;
    const verdict = await verifyAuditLog(tx, key, through);
    if (!verdict.intact) throw new AuditChainBrokenError(verdict.firstBad);
    const [last] = await tx.query<{ row_hash: string }>('SELECT row_hash FROM audit_log WHERE seq = $1', [
      through,
    ]);
    // The append-only trigger lets a DELETE through only inside a transaction that says it prunes (migration 008).
    await tx.query("SELECT set_config('homedata.audit_prune', 'on', true)");
    const deleted = await tx.query<{ seq: number }>('DELETE FROM audit_log WHERE seq <= $1 RETURNING seq', [
      through,
    ]);
    await tx.query("SELECT set_config('homedata.audit_prune', 'off', true)");
    await tx.query(
      'UPDATE audit_chain SET pruned_through_seq = $1, pruned_through_hash = $2, pruned_mac = $3 WHERE id = 1',
      [through, last!.row_hash, chainMarkMac(key, prunedThroughMark(through, last!.row_hash))],
    );
    return deleted.length;
  });
}
