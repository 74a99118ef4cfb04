// Applies the numbered SQL migrations in db/migrations/ once each, in order, under a lock.
import { readdir, readFile } from 'node:fs/promises';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** Arbitrary constant key for the advisory lock that serialises brokers migrating one PostgreSQL database. */
const MIGRATION_LOCK_KEY = 727_001;

/** A migration file: `NNN-name.sql`. */
interface Migration {
  id: number;
  name: string;
  sql: string;
}

/** Reads the migration files in id order. */
async function readMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => /^\d{3}-[a-z0-9-]+\.sql$/.test(file)).sort();
  return Promise.all(
    files.map(async (file) => ({
      id: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: await readFile(new URL(file, MIGRATIONS_DIR), 'utf8'),
    })),
  );
}

/** Applies every migration the database has not seen; returns the ids applied now. */
export async function migrate(db: Database): Promise<number[]> {
  const migrations = await readMigrations();
  return db.transaction(async (tx) => {
    // Several broker processes may start at once on one PostgreSQL: the first migrates, the others wait.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS broker_migrations (id integer PRIMARY KEY, name text NOT NULL, ' +
        'applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await tx.query<{ id: number }>('SELECT id FROM broker_migrations')).map((row) => Number(row.id)),
    );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO broker_migrations (id, name) VALUES ($1, $2)', [
        migration.id,
        migration.name,
      ]);
      applied.push(migration.id);
    }
    return applied;
  });
}
