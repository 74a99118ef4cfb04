// Opens migrated, empty broker databases in memory for tests, restored from the project's archive (broker-database-setup.ts).
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import type { Database } from '../../src/broker/db/database.ts';
import { openBrokerDatabase } from '../../src/broker/db/open-database.ts';

/** A new, migrated broker database in memory, restored from the archive instead of made by initdb. */
export async function openMemoryDatabase(): Promise<Database> {
  const from = new Blob([await readFile(inject('brokerDatabaseArchive'))]);
  return openBrokerDatabase({ kind: 'memory', from });
}
