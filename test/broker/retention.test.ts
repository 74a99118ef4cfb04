// Retention: the broker prunes on start and then periodically, each time as of its (injected) clock; and it will not
// start with an audit key file that others may read.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyAuditLog } from '../../src/broker/audit/audit-reader.ts';
import { appendAuditRecords, sealKeyedChain } from '../../src/broker/audit/audit-writer.ts';
import { parseBrokerConfig } from '../../src/broker/config.ts';
import type { Database } from '../../src/broker/db/database.ts';
import { startBroker } from '../../src/broker/index.ts';
import { startRetention } from '../../src/broker/retention.ts';
import { ConfigError } from '../../src/errors.ts';
import { createLogger } from '../../src/logging.ts';
import { openMemoryDatabase } from '../helpers/memory-database.ts';

const logger = createLogger('retention-test', 'silent');
const key = randomBytes(32);
const DAY = 24 * 60 * 60 * 1000;
let db: Database;
let dir: string;

beforeAll(async () => {
  [db, dir] = await Promise.all([openMemoryDatabase(), mkdtemp(join(tmpdir(), 'homedata-retention-'))]);
  await sealKeyedChain(db, key, logger);
}, 120_000);

afterAll(async () => {
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Audit rows, one per day starting 2026-01-01. */
function days(first: number, last: number) {
  const records = [];
  for (let day = first; day <= last; day++) {
    records.push({
      at: new Date(Date.UTC(2026, 0, day)),
      requestId: 'req',
      runId: null,
      residentWebId: 'https://pod.example/alice/profile/card#me',
      resource: `https://pod.example/alice/homedata/summaries/humidity/2026-01.ttl`,
      status: 200,
    });
  }
  return records;
}

describe('retention', () => {
  it('defaults to 400 days of audit rows and 24 hours of run values, pruned hourly', () => {
    const config = parseBrokerConfig({
      issuer: 'http://localhost:1/',
      webId: 'http://localhost:1/broker/profile/card#me',
      clientId: 'id',
      clientSecret: 'secret',
    });
    expect(config.retention).toEqual({
      auditLogDays: 400,
      runValuesHours: 24,
      webhookDeliveriesDays: 30,
      pruneEveryMinutes: 60,
    });
  });

  it('prunes on start and again each period as of the clock, and the chain still verifies', async () => {
    await appendAuditRecords(db, key, days(1, 10));
    let now = new Date(Date.UTC(2026, 0, 5) + 400 * DAY);
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const stop = await startRetention({
        db,
        auditKey: key,
        retention: {
          auditLogDays: 400,
          runValuesHours: 24,
          webhookDeliveriesDays: 30,
          pruneEveryMinutes: 60,
        },
        clock: () => now,
        logger,
      });
      const seqs = async () =>
        (await db.query<{ seq: number }>('SELECT seq FROM audit_log ORDER BY seq')).map((row) => row.seq);
      expect(await seqs()).toEqual([5, 6, 7, 8, 9, 10]);
      now = new Date(now.getTime() + 3 * DAY);
      vi.advanceTimersByTime(60 * 60_000);
      for (let tries = 0; tries < 500 && (await seqs())[0] !== 8; tries++) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await seqs()).toEqual([8, 9, 10]);
      stop();
      expect(await verifyAuditLog(db, key)).toEqual({ intact: true, rows: 3, prunedThrough: 7 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses to start the broker with an audit key file group or others may read', async () => {
    const path = join(dir, 'readable.key');
    await writeFile(path, randomBytes(32));
    await chmod(path, 0o640);
    const started = startBroker(
      {
        issuer: 'http://localhost:1/',
        webId: 'http://localhost:1/broker/profile/card#me',
        clientId: 'id',
        clientSecret: 'secret',
        auditKeyFile: path,
        dbDir: join(dir, 'never-opened'),
      },
      { logger },
    );
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(/group or others may access it \(mode 640\).*chmod 600/);
  });
});
