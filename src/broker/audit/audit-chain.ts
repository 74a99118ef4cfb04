// The audit log's hash chain, pure: canonical JSON of a row, its keyed hash over the previous hash, and chain checks.
import { createHash, createHmac } from 'node:crypto';

/** `prev_hash` of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** What one audit row says: which resource of which resident was read, when, under which request and run. */
export interface AuditEntry {
  seq: number;
  /** ISO 8601 instant with milliseconds (`Date#toISOString`). */
  at: string;
  requestId: string;
  runId: string | null;
  residentWebId: string;
  resource: string;
  status: number;
}

/** JSON with keys sorted at every level and no whitespace: one text per value, whatever the insertion order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/**
 * The row hash (hex) over the previous row's hash and this row's canonical JSON: HMAC-SHA-256 under the audit key,
 * so that someone who can write the database but has not the key file cannot re-hash an edited row; plain SHA-256
 * when no key is given (rows written before migration 008).
 */
export function auditRowHash(prevHash: string, entry: AuditEntry, key?: Uint8Array): string {
  return (key ? createHmac('sha256', key) : createHash('sha256'))
    .update(`${prevHash}\n${canonicalJson(entry)}`, 'utf8')
    .digest('hex');
}

/** How a chain is hashed: rows numbered from `keyedFromSeq` on with HMAC under `key`, earlier ones without. */
export interface ChainKeying {
  key: Uint8Array;
  keyedFromSeq: number;
}

/** The row hash a row of this number must have under this keying. */
function expectedHash(prevHash: string, entry: AuditEntry, keying: ChainKeying | undefined): string {
  const keyed = keying !== undefined && entry.seq >= keying.keyedFromSeq;
  return auditRowHash(prevHash, entry, keyed ? keying.key : undefined);
}

/**
 * The MAC of a mark in the `audit_chain` table (where the keyed chain starts, what a prune left behind), so that
 * the marks cannot be moved without the key either.
 */
export function chainMarkMac(key: Uint8Array, mark: string): string {
  return createHmac('sha256', key).update(`homedata audit chain mark\n${mark}`, 'utf8').digest('hex');
}

/** The mark of the chain's switch from plain to keyed hashes: its first row, and the last plain row's hash. */
export function keyedFromMark(seq: number, prevHash: string): string {
  return `keyed-from ${seq} after ${prevHash}`;
}

/** The mark of a pruned prefix: the chain goes on from row `seq`, whose hash was `hash`. */
export function prunedThroughMark(seq: number, hash: string): string {
  return `pruned-through ${seq} ${hash}`;
}

/** A stored row: its entry and the two hashes kept with it. */
export interface ChainedEntry {
  entry: AuditEntry;
  prevHash: string;
  rowHash: string;
}

/** The first row that breaks the chain, and why. */
export interface ChainBreak {
  seq: number;
  reason: string;
}

/**
 * Checks rows that follow a row with hash `prevHash` and number `prevSeq`; returns the first break or the last
 * row's hash and number to continue from. An edited row fails its own hash; a deleted one leaves a gap. Without
 * `keying` every row is checked as plain SHA-256.
 */
export function checkChainSegment(
  rows: readonly ChainedEntry[],
  prevHash: string,
  prevSeq: number,
  keying?: ChainKeying,
): { break: ChainBreak } | { lastHash: string; lastSeq: number } {
  let hash = prevHash;
  let seq = prevSeq;
  for (const row of rows) {
    if (row.entry.seq !== seq + 1) {
      return { break: { seq: seq + 1, reason: `row ${seq + 1} is missing (next row is ${row.entry.seq})` } };
    }
    if (row.prevHash !== hash) {
      return { break: { seq: row.entry.seq, reason: `its previous hash does not match row ${seq}'s hash` } };
    }
    if (expectedHash(row.prevHash, row.entry, keying) !== row.rowHash) {
      return {
        break: { seq: row.entry.seq, reason: 'its contents do not match its hash (the row was edited)' },
      };
    }
    hash = row.rowHash;
    seq = row.entry.seq;
  }
  return { lastHash: hash, lastSeq: seq };
}
