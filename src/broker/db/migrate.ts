// Applies numbered SQL migrations (the broker's in db/migrations/, or another server's own set) once each, in order, under a lock.
import { readdir, readFile } from 'node:fs/promises';
import type { Database } from './database.ts';

/** One server's schema history: its migration files, the table recording them, and its advisory lock key. */
export interface MigrationSet {
  dir: URL;
  /** Plain identifier of the table recording applied migrations. */
  table: string;
  /** Arbitrary constant key for the advisory lock that serialises processes migrating one PostgreSQL database. */
  lockKey: number;
}

/** The broker's migrations. */
export const BROKER_MIGRATIONS: MigrationSet = {
  dir: new URL('./migrations/', import.meta.url),
  table: 'broker_migrations',
  lockKey: 727_001,
};

/** A migration file: `NNN-name.sql`. */
interface Migration {
  id: number;
  name: string;
  sql: string;
}

/** Reads the migration files in id order. */
async function readMigrations(dir: URL): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => /^\d{3}-[a-z0-9-]+\.sql$/.test(file)).sort();
  return Promise.all(
    files.map(async (file) => ({
      id: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: await readFile(new URL(file, dir), 'utf8'),
    })),
  );
}

/** Applies every migration the database has not seen; returns the ids applied now. */
export async function migrate(db: Database, set: MigrationSet = BROKER_MIGRATIONS): Promise<number[]> {
  const migrations = await readMigrations(set.dir);
  const { table } = set;
  return db.transaction(async (tx) => {
    // Several broker processes may start at once on one PostgreSQL: the first migrates, the others wait.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [set.lockKey]);
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (id integer PRIMARY KEY, name text NOT NULL, ` +
        'applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await tx.query<{ id: number }>(`SELECT id FROM ${table}`)).map((row) => Number(row.id)),
    );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      await tx.exec(migration.sql);
      await tx.query(`INSERT INTO ${table} (id, name) VALUES ($1, $2)`, [migration.id, migration.name]);
      applied.push(migration.id);
    }
    return applied;
  });
}
