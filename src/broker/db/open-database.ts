// Opens the broker's database (PostgreSQL when a URL is given, else PGlite in a directory) and migrates it.
import type { Database } from './database.ts';
import { BROKER_MIGRATIONS, migrate, type MigrationSet } from './migrate.ts';
import { openPgliteDatabase } from './pglite-database.ts';
import { openPostgresDatabase } from './postgres-database.ts';

/**
 * Where the broker keeps its data: a PGlite directory, PostgreSQL, or (tests only) PGlite in memory, empty or
 * started `from` an archive of a data directory (PGlite's `dumpDataDir`).
 */
export type DatabaseTarget =
  | { kind: 'pglite'; dir: string }
  | { kind: 'postgres'; url: string; schema?: string }
  | { kind: 'memory'; from?: Blob };

/** Opens the target and brings its schema up to date with `migrations` (default: the broker's). */
export async function openBrokerDatabase(
  target: DatabaseTarget,
  migrations: MigrationSet = BROKER_MIGRATIONS,
): Promise<Database> {
  const db =
    target.kind === 'postgres'
      ? await openPostgresDatabase(target.url, target.schema)
      : target.kind === 'pglite'
        ? await openPgliteDatabase(target.dir)
        : await openPgliteDatabase(undefined, target.from);
  try {
    await migrate(db, migrations);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/** A human description of a target that never shows a password. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'pglite') return `PGlite at ${target.dir}`;
  if (target.kind === 'memory') return 'PGlite in memory';
  const url = new URL(target.url);
  url.password = '';
  return `PostgreSQL at ${url.host}${url.pathname}${target.schema ? ` (schema ${target.schema})` : ''}`;
}
