// Makes one archive of a migrated broker database for a whole test project, from which each test's in-memory
// database is restored instead of running PGlite's initdb again (1.5-3 s each, ~0.4 s restored).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { openBrokerDatabase } from '../../src/broker/db/open-database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A file holding a migrated, empty broker database (PGlite's `dumpDataDir`): see memory-database.ts. */
    brokerDatabaseArchive: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const folder = await mkdtemp(join(tmpdir(), 'homedata-db-archive-'));
  const dir = join(folder, 'db');
  // Migrated through the broker's own code, in a folder so that a raw PGlite can open it again to dump it.
  await (await openBrokerDatabase({ kind: 'pglite', dir })).close();
  const pglite = new PGlite(dir);
  const archive = join(folder, 'broker-db.tar');
  try {
    // dumpDataDir before the database is ready never settles.
    await pglite.waitReady;
    await writeFile(archive, new Uint8Array(await (await pglite.dumpDataDir('none')).arrayBuffer()));
  } finally {
    await pglite.close();
  }
  project.provide('brokerDatabaseArchive', archive);
  return () => rm(folder, { recursive: true, force: true });
}
