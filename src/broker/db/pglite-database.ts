// The embedded database: PGlite (PostgreSQL in WebAssembly) on a data directory, guarded by a lock file.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { ConfigError } from '../../errors.ts';
import { takeProcessLock } from '../../process-lock.ts';
import type { Database, Queryable } from './database.ts';

/**
 * PGlite gives one process a data dir and does not check (two writers corrupt it), so we take a lock file beside
 * the directory. A lock left by a process that died is taken over.
 */
function takeLock(lockPath: string): Promise<() => Promise<void>> {
  return takeProcessLock(lockPath, {
    inUse: (pid) =>
      new ConfigError(
        `Database ${dirname(lockPath)} is in use by process ${pid}: PGlite allows one process per data ` +
          'directory. Stop that process (e.g. the broker) first, or use PostgreSQL (DATABASE_URL).',
        { lock: lockPath, pid },
      ),
    notTaken: () => new ConfigError(`Could not take the database lock ${lockPath}`, { lock: lockPath }),
  });
}

/** Adapts PGlite's result objects to plain rows. */
function queryable(target: Pick<PGlite, 'query' | 'exec'>): Queryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      const result = await target.query<R>(sql, [...params]);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  };
}

/**
 * Opens (creating if needed) a PGlite database in `dir`, or in memory when `dir` is undefined, there empty or
 * restored from `archive` (PGlite's `dumpDataDir`): ~0.4 s where a new cluster's initdb takes 1.5-3 s, which the
 * tests that open many databases feel.
 */
export async function openPgliteDatabase(dir?: string, archive?: Blob): Promise<Database> {
  let release: (() => Promise<void>) | undefined;
  if (dir !== undefined) {
    const path = resolve(dir);
    await mkdir(dirname(path), { recursive: true });
    release = await takeLock(`${path}.lock`);
  }
  let db: PGlite;
  try {
    db = dir === undefined ? new PGlite({ loadDataDir: archive }) : new PGlite(resolve(dir));
    await db.waitReady;
  } catch (error) {
    await release?.();
    throw error;
  }
  return {
    kind: 'pglite',
    ...queryable(db),
    transaction: (fn) => db.transaction((tx) => fn(queryable(tx))),
    async close() {
      await db.close();
      await release?.();
    },
  };
}
