// The audit log's hash chain: canonical JSON, row hashes, and finding the first edited or missing row.
import { describe, expect, it } from 'vitest';
import {
  auditRowHash,
  canonicalJson,
  checkChainSegment,
  GENESIS_HASH,
  type AuditEntry,
  type ChainedEntry,
} from '../../src/broker/audit/audit-chain.ts';

/** A chain of `n` rows as the writer would store them. */
function chain(n: number): ChainedEntry[] {
  const rows: ChainedEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const entry: AuditEntry = {
      seq,
      at: `2026-01-0${seq}T00:00:00.000Z`,
      requestId: 'req',
      runId: seq % 2 ? null : 'run',
      residentWebId: 'https://pod.example/alice/profile/card#me',
      resource: `https://pod.example/alice/homedata/summaries/humidity/2026-0${seq}.ttl`,
      status: 200,
    };
    const rowHash = auditRowHash(prevHash, entry);
    rows.push({ entry, prevHash, rowHash });
    prevHash = rowHash;
  }
  return rows;
}

describe('audit chain', () => {
  it('writes the same canonical JSON whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 'x'], c: null } })).toBe('{"a":{"c":null,"d":[2,"x"]},"b":1}');
    expect(canonicalJson({ a: { c: null, d: [2, 'x'] }, b: 1 })).toBe(
      canonicalJson({ b: 1, a: { d: [2, 'x'], c: null } }),
    );
  });

  it('chains each row to the one before', () => {
    const rows = chain(3);
    expect(rows[1]!.prevHash).toBe(rows[0]!.rowHash);
    expect(checkChainSegment(rows, GENESIS_HASH, 0)).toEqual({ lastHash: rows[2]!.rowHash, lastSeq: 3 });
  });

  it('names an edited row', () => {
    const rows = chain(4);
    rows[1] = { ...rows[1]!, entry: { ...rows[1]!.entry, status: 403 } };
    expect(checkChainSegment(rows, GENESIS_HASH, 0)).toEqual({
      break: { seq: 2, reason: expect.stringContaining('edited') },
    });
  });

  it('names the row after one whose hash was recomputed to hide an edit', () => {
    const rows = chain(4);
    const edited = { ...rows[1]!.entry, resource: 'https://pod.example/alice/homedata/readings/' };
    rows[1] = {
      entry: edited,
      prevHash: rows[1]!.prevHash,
      rowHash: auditRowHash(rows[1]!.prevHash, edited),
    };
    expect(checkChainSegment(rows, GENESIS_HASH, 0)).toEqual({
      break: { seq: 3, reason: expect.stringContaining("row 2's hash") },
    });
  });

  it('names a deleted row', () => {
    const rows = chain(4);
    rows.splice(2, 1);
    expect(checkChainSegment(rows, GENESIS_HASH, 0)).toEqual({
      break: { seq: 3, reason: expect.stringContaining('missing') },
    });
  });
});
