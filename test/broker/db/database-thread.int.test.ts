// A new broker database made on a thread of its own (the demo's first start): ready for the broker, or a clear error.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareBrokerDatabase } from '../../../src/broker/database-thread.ts';
import { openBrokerDatabase } from '../../../src/broker/db/open-database.ts';
import { migrate } from '../../../src/broker/db/migrate.ts';
import { ConfigError } from '../../../src/errors.ts';

describe('prepareBrokerDatabase', { timeout: 120_000 }, () => {
  let folder: string | undefined;
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('leaves a migrated database that the broker opens with nothing left to apply', async () => {
    folder = await mkdtemp(join(tmpdir(), 'homedata-db-thread-'));
    const dir = join(folder, 'broker-db');
    await prepareBrokerDatabase(dir);
    const db = await openBrokerDatabase({ kind: 'pglite', dir });
    try {
      expect(await migrate(db)).toEqual([]);
      expect(await db.query('SELECT id FROM broker_migrations')).toHaveLength(
        (await readdir(new URL('../../../src/broker/db/migrations/', import.meta.url))).filter((file) =>
          file.endsWith('.sql'),
        ).length,
      );
    } finally {
      await db.close();
    }
  });

  it('fails with the reason when the database is in use', async () => {
    folder ??= await mkdtemp(join(tmpdir(), 'homedata-db-thread-'));
    const dir = join(folder, 'in-use');
    const db = await openBrokerDatabase({ kind: 'pglite', dir });
    try {
      const preparing = prepareBrokerDatabase(dir);
      await expect(preparing).rejects.toBeInstanceOf(ConfigError);
      await expect(preparing).rejects.toThrow(/in use by process/);
    } finally {
      await db.close();
    }
  });
});
