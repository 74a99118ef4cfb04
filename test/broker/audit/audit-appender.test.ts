// The audit appender: reads that finish together share one transaction, each keeps its own unbroken run of the chain.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../../src/broker/audit/audit-reader.ts';
import { AuditAppender, sealKeyedChain } from '../../../src/broker/audit/audit-writer.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import type { AuditRow } from '../../../src/broker/db/schema/audit-log.ts';
import { openBrokerDatabase } from '../../../src/broker/db/open-database.ts';
import { createLogger } from '../../../src/logging.ts';

const key = randomBytes(32);
let db: Database;

beforeAll(async () => {
  db = await openBrokerDatabase({ kind: 'memory' });
  await sealKeyedChain(db, key, createLogger('audit-appender-test', 'silent'));
}, 120_000);

afterAll(async () => {
  await db?.close();
});

/** `count` reads of one resident's pod, as one home's batch. */
function homeReads(home: number, count: number) {
  return Array.from({ length: count }, (_, index) => ({
    at: new Date(Date.UTC(2026, 0, 1)),
    requestId: 'req',
    runId: 'run',
    residentWebId: `https://pod.example/home-${home}/profile/card#me`,
    resource: `https://pod.example/home-${home}/homedata/doc-${index}.ttl`,
    status: 200,
  }));
}

describe('AuditAppender', () => {
  it('writes the batches of reads that finish together in one transaction, each as its own run of the chain', async () => {
    let transactions = 0;
    const counting: Database = {
      ...db,
      transaction: (fn) => {
        transactions++;
        return db.transaction(fn);
      },
    };
    const appender = new AuditAppender(counting, key);
    const written = await Promise.all(
      Array.from({ length: 8 }, (_, home) => appender.append(homeReads(home, 2))),
    );

    // The first home's batch goes alone; the seven that arrived while it was written share the next transaction.
    expect(transactions).toBe(2);
    for (const [home, rows] of written.entries()) {
      expect(rows.map((row) => row.residentWebId)).toEqual(
        homeReads(home, 2).map((read) => read.residentWebId),
      );
      expect(rows[1]!.seq).toBe(rows[0]!.seq + 1);
    }
    const stored = await db.query<Pick<AuditRow, 'seq' | 'row_hash'>>(
      'SELECT seq, row_hash FROM audit_log ORDER BY seq',
    );
    expect(stored.map((row) => row.row_hash)).toEqual(written.flat().map((row) => row.rowHash));
    expect(await verifyAuditLog(db, key)).toMatchObject({ intact: true, rows: 16 });
  });

  it('fails every read of a transaction that fails, and writes the next ones', async () => {
    let failNext = true;
    const failing: Database = {
      ...db,
      transaction: (fn) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('database gone'));
        }
        return db.transaction(fn);
      },
    };
    const appender = new AuditAppender(failing, key);
    const first = appender.append(homeReads(1, 1));
    await expect(first).rejects.toThrow('database gone');
    await expect(appender.append(homeReads(2, 1))).resolves.toHaveLength(1);
    expect(await verifyAuditLog(db, key)).toMatchObject({ intact: true });
  });
});
