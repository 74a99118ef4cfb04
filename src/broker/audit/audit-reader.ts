// Reads the audit log: walks the hash chain to find the first tampered row, and counts reads.
import type { Queryable } from '../db/database.ts';
import type { AuditRow } from '../db/schema/audit-log.ts';
import { checkChainSegment, GENESIS_HASH, type ChainBreak, type ChainedEntry } from './audit-chain.ts';

/** Rows fetched per query while walking the chain: memory stays flat however long the log. */
const PAGE = 1000;

/** The outcome of `homedata audit verify`. */
export type AuditVerdict = { intact: true; rows: number } | { intact: false; firstBad: ChainBreak };

/** Turns a stored row back into what was hashed. */
function chained(row: AuditRow): ChainedEntry {
  return {
    entry: {
      seq: row.seq,
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

/** Walks the whole chain in order and reports the first row that breaks it. */
export async function verifyAuditLog(db: Queryable): Promise<AuditVerdict> {
  let lastHash = GENESIS_HASH;
  let lastSeq = 0;
  for (;;) {
    const rows = await db.query<AuditRow>('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [
      lastSeq,
      PAGE,
    ]);
    if (rows.length === 0) return { intact: true, rows: lastSeq };
    const result = checkChainSegment(rows.map(chained), lastHash, lastSeq);
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
