// Reads the audit log: walks the keyed hash chain to find the first tampered row, and counts reads.
import type { Queryable } from '../db/database.ts';
import type { AuditChainRow } from '../db/schema/audit-chain.ts';
import type { AuditRow } from '../db/schema/audit-log.ts';
import {
  chainMarkMac,
  checkChainSegment,
  keyedFromMark,
  prunedThroughMark,
  type ChainBreak,
  type ChainedEntry,
  type ChainKeying,
} from './audit-chain.ts';

/** Rows fetched per query while walking the chain: memory stays flat however long the log. */
const PAGE = 1000;

/** The outcome of `homedata audit verify`. */
export type AuditVerdict =
  { intact: true; rows: number; prunedThrough: number } | { intact: false; firstBad: ChainBreak };

/** The `audit_chain` row, with numbers as numbers (bigint columns come back as strings from node-postgres). */
export async function readChainState(db: Queryable): Promise<AuditChainRow> {
  const rows = await db.query<AuditChainRow>('SELECT * FROM audit_chain WHERE id = 1');
  const row = rows[0]!;
  return {
    ...row,
    keyed_from_seq: Number(row.keyed_from_seq),
    pruned_through_seq: Number(row.pruned_through_seq),
  };
}

/**
 * Where a walk of the chain starts (after the pruned prefix), and how rows are hashed; or the break when a mark
 * in `audit_chain` does not carry its MAC under `key` (it was moved by someone without the key).
 */
async function chainStart(
  db: Queryable,
  key: Uint8Array,
): Promise<{ hash: string; seq: number; keying: ChainKeying } | { break: ChainBreak }> {
  const state = await readChainState(db);
  const keyedFrom = state.keyed_from_seq;
  if (state.keyed_from_mac === null) {
    const keyed = await db.query('SELECT 1 FROM audit_log WHERE seq >= $1 LIMIT 1', [keyedFrom]);
    if (keyed.length > 0) {
      return {
        break: {
          seq: keyedFrom,
          reason: 'the start of the keyed chain is not sealed (audit_chain was changed)',
        },
      };
    }
  } else {
    const prevHash = state.keyed_from_prev_hash ?? '';
    if (state.keyed_from_mac !== chainMarkMac(key, keyedFromMark(keyedFrom, prevHash))) {
      return {
        break: {
          seq: keyedFrom,
          reason: 'the start of the keyed chain was moved, or the audit key is not the one the broker used',
        },
      };
    }
    // The last unkeyed row must still have the hash it had when the switch was sealed: the unkeyed rows before
    // it cannot be re-hashed either (while no keyed row follows, nothing else would show it).
    if (keyedFrom - 1 > state.pruned_through_seq) {
      const [before] = await db.query<{ row_hash: string }>('SELECT row_hash FROM audit_log WHERE seq = $1', [
        keyedFrom - 1,
      ]);
      if (before && before.row_hash !== prevHash) {
        return {
          break: {
            seq: keyedFrom - 1,
            reason: 'its hash changed after the keyed chain was sealed (re-hashed)',
          },
        };
      }
    }
  }
  const { pruned_through_seq: seq, pruned_through_hash: hash } = state;
  if (seq > 0 && state.pruned_mac !== chainMarkMac(key, prunedThroughMark(seq, hash))) {
    return { break: { seq, reason: 'the anchor of the pruned rows was changed (audit_chain)' } };
  }
  return { hash, seq, keying: { key, keyedFromSeq: keyedFrom } };
}

/** Turns a stored row back into what was hashed. */
function chained(row: AuditRow): ChainedEntry {
  return {
    entry: {
      seq: Number(row.seq),
      at: row.at.toISOString(),
      requestId: row.request_id,
      runId: row.run_id,
      residentWebId: row.resident_webid,
      resource: row.resource,
      status: row.status,
    },
    prevHash: row.prev_hash,
    rowHash: row.row_hash,
  };
}

/**
 * Walks the chain in order from the pruned anchor (or the first row) and reports the first row that breaks it:
 * rows from the switch point on must carry their HMAC under `key`. With `throughSeq`, stops after that row.
 */
export async function verifyAuditLog(
  db: Queryable,
  key: Uint8Array,
  throughSeq = Number.MAX_SAFE_INTEGER,
): Promise<AuditVerdict> {
  const start = await chainStart(db, key);
  if ('break' in start) return { intact: false, firstBad: start.break };
  let { hash: lastHash, seq: lastSeq } = start;
  for (;;) {
    const rows = await db.query<AuditRow>(
      'SELECT * FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3',
      [lastSeq, throughSeq, PAGE],
    );
    if (rows.length === 0) return { intact: true, rows: lastSeq - start.seq, prunedThrough: start.seq };
    const result = checkChainSegment(rows.map(chained), lastHash, lastSeq, start.keying);
    if ('break' in result) return { intact: false, firstBad: result.break };
    ({ lastHash, lastSeq } = result);
  }
}

/** How many reads the log holds, overall or under one request. */
export async function countAuditRows(db: Queryable, requestId?: string): Promise<number> {
  const rows =
    requestId === undefined
      ? await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')
      : await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE request_id = $1', [
          requestId,
        ]);
  return rows[0]?.n ?? 0;
}
