// The keyed audit chain on PGlite: an upgraded database still verifies, edits re-hashed without the key are found,
// the switch point and pruned anchor cannot be moved, and retention keeps the rest checkable.
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditRowHash, GENESIS_HASH, type AuditEntry } from '../../../src/broker/audit/audit-chain.ts';
import { verifyAuditLog } from '../../../src/broker/audit/audit-reader.ts';
import { pruneAuditLog } from '../../../src/broker/audit/audit-retention.ts';
import { appendAuditRecords, sealKeyedChain } from '../../../src/broker/audit/audit-writer.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import { migrate } from '../../../src/broker/db/migrate.ts';
import { openPgliteDatabase } from '../../../src/broker/db/pglite-database.ts';
import { pruneRunValues } from '../../../src/broker/retention.ts';
import { createLogger } from '../../../src/logging.ts';

const logger = createLogger('audit-chain-keyed-test', 'silent');
const key = randomBytes(32);

/** A read record at `at`. */
function record(at: Date, n: number) {
  return {
    at,
    requestId: 'req',
    runId: null,
    residentWebId: 'https://pod.example/alice/profile/card#me',
    resource: `https://pod.example/alice/homedata/summaries/humidity/2026-0${(n % 9) + 1}.ttl`,
    status: 200,
  };
}

/** Runs a statement past the append-only triggers, as someone with database access would. */
async function asDatabaseOwner(db: Database, sql: string, params: unknown[] = []): Promise<void> {
  await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
  await db.query(sql, params);
  await db.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
}

/** A database as migrations 001-003 left it, with `n` rows written the old way (plain SHA-256). */
async function upgradedDatabase(n: number): Promise<Database> {
  const db = await openPgliteDatabase();
  await db.exec(
    'CREATE TABLE broker_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  for (const [id, name] of [
    [1, 'initial'],
    [2, 'run-results'],
    [3, 'run-shards'],
  ] as const) {
    const file = new URL(`../../../src/broker/db/migrations/00${id}-${name}.sql`, import.meta.url);
    await db.exec(await readFile(file, 'utf8'));
    await db.query('INSERT INTO broker_migrations (id, name) VALUES ($1, $2)', [id, name]);
  }
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const { at, ...rest } = record(new Date(Date.UTC(2026, 0, seq)), seq);
    const entry: AuditEntry = { seq, at: at.toISOString(), ...rest };
    const rowHash = auditRowHash(prevHash, entry);
    await db.query(
      'INSERT INTO audit_log (seq, at, request_id, run_id, resident_webid, resource, status, prev_hash, row_hash) ' +
        'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [seq, at, entry.requestId, null, entry.residentWebId, entry.resource, 200, prevHash, rowHash],
    );
    prevHash = rowHash;
  }
  await migrate(db);
  return db;
}

describe('the keyed audit chain', () => {
  let db: Database;
  /** The three rows written before the upgrade. */
  let oldRows: unknown[];

  beforeAll(async () => {
    db = await upgradedDatabase(3);
    oldRows = await db.query('SELECT * FROM audit_log ORDER BY seq');
  }, 120_000);

  // Each test starts from the upgraded database: three old rows, the switch sealed at 4, three keyed rows.
  beforeEach(async () => {
    await asDatabaseOwner(db, 'DELETE FROM audit_log');
    await db.exec('DELETE FROM run_values; DELETE FROM runs; DELETE FROM requests; DELETE FROM councils');
    for (const row of oldRows as Record<string, unknown>[]) {
      await db.query(
        'INSERT INTO audit_log (seq, at, request_id, run_id, resident_webid, resource, status, prev_hash, row_hash) ' +
          'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [
          row.seq,
          row.at,
          row.request_id,
          row.run_id,
          row.resident_webid,
          row.resource,
          row.status,
          row.prev_hash,
          row.row_hash,
        ],
      );
    }
    await db.query(
      'UPDATE audit_chain SET keyed_from_seq = 4, keyed_from_mac = NULL, keyed_from_prev_hash = NULL, ' +
        'pruned_through_seq = 0, ' +
        "pruned_through_hash = repeat('0', 64), pruned_mac = NULL",
    );
    await sealKeyedChain(db, key, logger);
    await appendAuditRecords(
      db,
      key,
      [4, 5, 6].map((n) => record(new Date(Date.UTC(2026, 0, n)), n)),
    );
  });

  afterAll(async () => {
    await db?.close();
  });

  it('marks the switch point after the rows written before the upgrade', async () => {
    const fresh = await upgradedDatabase(0);
    try {
      expect(await fresh.query('SELECT keyed_from_seq FROM audit_chain')).toEqual([{ keyed_from_seq: 1 }]);
    } finally {
      await fresh.close();
    }
  }, 120_000);

  it('verifies an upgraded database: old rows as SHA-256, new rows as HMAC', async () => {
    expect(await verifyAuditLog(db, key)).toEqual({ intact: true, rows: 6, prunedThrough: 0 });
    const [row] = await db.query<{ row_hash: string; prev_hash: string }>(
      'SELECT row_hash, prev_hash FROM audit_log WHERE seq = 4',
    );
    expect(row!.prev_hash).toBe(
      (await db.query<{ row_hash: string }>('SELECT row_hash FROM audit_log WHERE seq = 3'))[0]!.row_hash,
    );
  });

  it('names a keyed row that was edited and re-hashed without the key', async () => {
    const [row] = await db.query<AuditEntryRow>('SELECT * FROM audit_log WHERE seq = 5');
    const edited: AuditEntry = { ...entryOf(row!), resource: 'https://pod.example/alice/homedata/readings/' };
    await asDatabaseOwner(db, 'UPDATE audit_log SET resource = $1, row_hash = $2 WHERE seq = 5', [
      edited.resource,
      auditRowHash(row!.prev_hash, edited),
    ]);
    expect(await verifyAuditLog(db, key)).toEqual({
      intact: false,
      firstBad: { seq: 5, reason: expect.stringContaining('edited') },
    });
  });

  it('finds the switch point moved or unsealed', async () => {
    await db.query('UPDATE audit_chain SET keyed_from_seq = 7');
    expect(await verifyAuditLog(db, key)).toMatchObject({
      intact: false,
      firstBad: { seq: 7, reason: expect.stringContaining('moved') },
    });
    await db.query('UPDATE audit_chain SET keyed_from_seq = 4, keyed_from_mac = NULL');
    expect(await verifyAuditLog(db, key)).toMatchObject({
      intact: false,
      firstBad: { seq: 4, reason: expect.stringContaining('not sealed') },
    });
    await expect(sealKeyedChain(db, key, logger)).rejects.toThrow(/not sealed but rows follow/);
  });

  it('names the last unkeyed row when the rows before the keyed chain are re-hashed', async () => {
    await asDatabaseOwner(db, 'DELETE FROM audit_log WHERE seq >= 4');
    expect(await verifyAuditLog(db, key)).toMatchObject({ intact: true, rows: 3 });
    const rows = await db.query<AuditEntryRow & { row_hash: string }>('SELECT * FROM audit_log ORDER BY seq');
    let prevHash = rows[0]!.row_hash;
    for (const row of rows.slice(1)) {
      const entry = { ...entryOf(row), status: 404 };
      const rowHash = auditRowHash(prevHash, entry);
      await asDatabaseOwner(
        db,
        'UPDATE audit_log SET status = 404, prev_hash = $2, row_hash = $3 WHERE seq = $1',
        [row.seq, prevHash, rowHash],
      );
      prevHash = rowHash;
    }
    expect(await verifyAuditLog(db, key)).toEqual({
      intact: false,
      firstBad: { seq: 3, reason: expect.stringContaining('re-hashed') },
    });
  });

  it('fails with another key', async () => {
    expect(await verifyAuditLog(db, randomBytes(32))).toMatchObject({ intact: false, firstBad: { seq: 4 } });
  });

  it('prunes rows past retention and stays verifiable from the keyed anchor', async () => {
    expect(await pruneAuditLog(db, key, new Date(Date.UTC(2026, 0, 5)))).toBe(4);
    expect(await db.query('SELECT seq FROM audit_log ORDER BY seq')).toEqual([{ seq: 5 }, { seq: 6 }]);
    expect(await verifyAuditLog(db, key)).toEqual({ intact: true, rows: 2, prunedThrough: 4 });
    expect(await pruneAuditLog(db, key, new Date(Date.UTC(2026, 0, 5)))).toBe(0);
    await appendAuditRecords(db, key, [record(new Date(Date.UTC(2026, 0, 7)), 7)]);
    expect(await verifyAuditLog(db, key)).toEqual({ intact: true, rows: 3, prunedThrough: 4 });
  });

  it('refuses a moved pruned anchor and any delete outside the prune', async () => {
    await pruneAuditLog(db, key, new Date(Date.UTC(2026, 0, 3)));
    await expect(db.query('DELETE FROM audit_log WHERE seq = 6')).rejects.toThrow(/append-only/);
    await db.query('UPDATE audit_chain SET pruned_through_seq = 3');
    await asDatabaseOwner(db, 'DELETE FROM audit_log WHERE seq = 3');
    expect(await verifyAuditLog(db, key)).toMatchObject({
      intact: false,
      firstBad: { seq: 3, reason: expect.stringContaining('pruned') },
    });
  });

  it('keeps a tampered prefix as evidence instead of pruning it', async () => {
    await asDatabaseOwner(db, "UPDATE audit_log SET resource = resource || '-x' WHERE seq = 2");
    await expect(pruneAuditLog(db, key, new Date(Date.UTC(2026, 0, 5)))).rejects.toThrow(/row 2/);
    expect(await db.query('SELECT count(*)::int AS n FROM audit_log')).toEqual([{ n: 6 }]);
  });

  it('deletes run values of ended runs and of runs older than the retention', async () => {
    await db.exec(
      "INSERT INTO councils (id, name, key_hash, created_at) VALUES ('c', 'C', 'h', now()); " +
        'INSERT INTO requests (id, council_id, title, purpose, description, metrics, areas, period_from, ' +
        "period_to, granularity, min_cohort, consent_until, created_at) VALUES ('r', 'c', 't', 'p', 'd', " +
        "'[]', '[]', '2026-01-01', '2026-01-31', 'month', 10, now(), now())",
    );
    const started = (id: string, state: string, at: string) =>
      db.query(
        'INSERT INTO runs (id, request_id, state, created_at, started_at) VALUES ($1, $2, $3, $4, $4)',
        [id, 'r', state, at],
      );
    await started('old', 'running', '2026-01-01T00:00:00Z');
    await started('fresh', 'running', '2026-01-02T10:00:00Z');
    await started('ended', 'done', '2026-01-02T10:00:00Z');
    for (const run of ['old', 'fresh', 'ended']) {
      await db.query(
        'INSERT INTO run_values (run_id, shard, home_key, area, dwelling_type, metric, period, value) ' +
          "VALUES ($1, 0, 'k', 'a', 'Flat', 'm', '2026-01', 1)",
        [run],
      );
    }
    expect(await pruneRunValues(db, new Date('2026-01-02T00:00:00Z'))).toBe(2);
    expect(await db.query('SELECT run_id FROM run_values')).toEqual([{ run_id: 'fresh' }]);
  });
});

/** A stored audit row. */
interface AuditEntryRow {
  seq: number;
  at: Date;
  request_id: string;
  run_id: string | null;
  resident_webid: string;
  resource: string;
  status: number;
  prev_hash: string;
}

/** What was hashed for a stored row. */
function entryOf(row: AuditEntryRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    requestId: row.request_id,
    runId: row.run_id,
    residentWebId: row.resident_webid,
    resource: row.resource,
    status: row.status,
  };
}
