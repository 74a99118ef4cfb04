// The embedded database: PGlite (PostgreSQL in WebAssembly) on a data directory, guarded by a lock file.
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { ConfigError } from '../../errors.ts';
import type { Database, Queryable } from './database.ts';

/** Whether a process with this id is still running. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite gives one process a data dir and does not check (two writers corrupt it), so we take a lock file beside
 * the directory. A lock left by a process that died is taken over.
 */
async function takeLock(lockPath: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
        throw new ConfigError(
          `Database ${dirname(lockPath)} is in use by process ${holder}: PGlite allows one process per data ` +
            'directory. Stop that process (e.g. the broker) first, or use PostgreSQL (DATABASE_URL).',
          { lock: lockPath, pid: holder },
        );
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new ConfigError(`Could not take the database lock ${lockPath}`, { lock: lockPath });
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

/** Opens (creating if needed) a PGlite database in `dir`, or in memory when `dir` is undefined. */
export async function openPgliteDatabase(dir?: string): Promise<Database> {
  let lockPath: string | undefined;
  if (dir !== undefined) {
    const path = resolve(dir);
    await mkdir(dirname(path), { recursive: true });
    lockPath = `${path}.lock`;
    await takeLock(lockPath);
  }
  let db: PGlite;
  try {
    db = new PGlite(dir === undefined ? undefined : resolve(dir));
    await db.waitReady;
  } catch (error) {
    if (lockPath) await rm(lockPath, { force: true });
    throw error;
  }
  return {
    kind: 'pglite',
    ...queryable(db),
    transaction: (fn) => db.transaction((tx) => fn(queryable(tx))),
    async close() {
      await db.close();
      if (lockPath) await rm(lockPath, { force: true });
    },
  };
}
