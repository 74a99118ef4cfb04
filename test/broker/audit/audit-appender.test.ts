// Appends that arrive together share one audit transaction; each caller still gets its own rows, in one chain.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../../src/broker/audit/audit-reader.ts';
import { AuditAppender, sealKeyedChain, type AuditRecord } from '../../../src/broker/audit/audit-writer.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import { openBrokerDatabase } from '../../../src/broker/db/open-database.ts';
import { createLogger } from '../../../src/logging.ts';

const key = randomBytes(32);

/** The two reads of home `home`. */
function reads(home: number): AuditRecord[] {
  return ['profile', 'summaries'].map((document) => ({
    at: new Date('2026-02-01T00:00:00Z'),
    requestId: 'req',
    runId: 'run',
    residentWebId: `https://pod.example/home-${home}/profile/card#me`,
    resource: `https://pod.example/home-${home}/homedata/${document}.ttl`,
    status: 200,
  }));
}

/** Counts the transactions `db` opens. */
function countingTransactions(db: Database): { db: Database; count: () => number } {
  let transactions = 0;
  return {
    db: {
      ...db,
      transaction: (fn) => {
        transactions++;
        return db.transaction(fn);
      },
    },
    count: () => transactions,
  };
}

/**
 * Runs `fn` on a fresh broker database with its keyed chain sealed, as the broker has it at start. Opened in the
 * test, not a hook: PGlite's start can take longer than a hook may on a busy machine.
 */
async function withDatabase(fn: (db: Database) => Promise<void>): Promise<void> {
  const db = await openBrokerDatabase({ kind: 'memory' });
  try {
    await sealKeyedChain(db, key, createLogger('audit-appender-test', 'silent'));
    await fn(db);
  } finally {
    await db.close();
  }
}

describe('audit appender', () => {
  it('writes appends that arrive while a batch is written in one transaction, each caller getting its own rows', () =>
    withDatabase(async (db) => {
      const counted = countingTransactions(db);
      const appender = new AuditAppender(counted.db, key);
      const written = await Promise.all(Array.from({ length: 8 }, (_, home) => appender.append(reads(home))));
      // The first goes alone at once; the seven that came while it was written go together.
      expect(counted.count()).toBe(2);
      for (const [home, rows] of written.entries()) {
        expect(rows.map((row) => row.resource)).toEqual(reads(home).map((read) => read.resource));
      }
      expect(written.flat().map((row) => row.seq)).toEqual(
        Array.from({ length: 16 }, (_, index) => index + 1),
      );
      await expect(verifyAuditLog(db, key)).resolves.toMatchObject({ intact: true });
    }));

  it('fails every caller of a batch that cannot be written, and writes the next batch', () =>
    withDatabase(async (db) => {
      let failNext = true;
      const flaky: Database = {
        ...db,
        transaction: (fn) => {
          if (failNext) {
            failNext = false;
            return Promise.reject(new Error('database gone'));
          }
          return db.transaction(fn);
        },
      };
      const appender = new AuditAppender(flaky, key);
      const first = appender.append(reads(1));
      await expect(first).rejects.toThrow('database gone');
      await expect(appender.append(reads(2))).resolves.toHaveLength(2);
      const rows = await db.query<{ resident_webid: string }>('SELECT resident_webid FROM audit_log');
      expect(rows.map((row) => row.resident_webid)).toEqual([
        reads(2)[0]!.residentWebId,
        reads(2)[1]!.residentWebId,
      ]);
    }));
});
