// Opens the outbox: an embedded PostgreSQL (PGlite) in the gateway's data folder, migrated to the latest schema.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS } from './outbox-migrations.ts';

/** The outbox database handle shared by the outbox reader and writer. */
export type OutboxDatabase = PGlite;

/** Opens (creating if needed) the outbox database under `dataDir/outbox` and applies pending migrations. */
export async function openOutboxDatabase(dataDir: string): Promise<OutboxDatabase> {
  const dir = join(dataDir, 'outbox');
  await mkdir(dir, { recursive: true });
  // relaxedDurability off: a query returns only after PGlite synced its file system, so a committed reading
  // survives the gateway process dying (SIGKILL is tested); power-loss behaviour rests on PGlite's file system.
  const db = await PGlite.create(dir, { relaxedDurability: false });
  await db.exec(
    'create table if not exists schema_migrations (version integer primary key, applied_at timestamptz not null default now())',
  );
  const applied = await db.query<{ version: number }>('select version from schema_migrations');
  const done = new Set(applied.rows.map((row) => row.version));
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) continue;
    await db.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migrations (version) values ($1)', [migration.version]);
    });
  }
  return db;
}
