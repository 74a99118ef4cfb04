// Upgrades an outbox left by an older gateway (PGlite, `dataDir/outbox/`): copies it into the SQLite outbox, then sets it aside.
import { rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logging.ts';
import { syncFolder } from './folder-sync.ts';
import type { OutboxDatabase } from './outbox-store.ts';

/** Where an older gateway kept its PGlite outbox. */
export const PGLITE_OUTBOX_DIR = 'outbox';

/** Where the PGlite outbox goes once copied: kept, not deleted, until the operator removes it. */
export const PGLITE_OUTBOX_ASIDE = 'outbox.pglite-migrated';

/** What an import copied. */
export interface PgliteImport {
  readings: number;
  deliveredKeys: number;
  summarisedDays: number;
  state: number;
}

type ReadingRow = {
  key: string;
  sensor: string;
  room: string;
  property: string;
  time: Date;
  value: number;
  hour: Date;
  local_date: string;
  summarise: boolean;
  accepted_at: Date;
  delivered_at: Date | null;
};

/**
 * Copies a PGlite outbox into `db`, if `dataDir` has one, and renames its folder to `outbox.pglite-migrated`.
 * Every row is inserted with `or ignore` in one transaction, so a gateway killed between the copy and the rename
 * copies again on its next start without writing anything twice. PGlite is loaded only when there is one to
 * copy: its WebAssembly PostgreSQL is what made a gateway heavy.
 */
export async function importPgliteOutbox(
  dataDir: string,
  db: OutboxDatabase,
  logger?: Logger,
): Promise<PgliteImport | undefined> {
  const dir = join(dataDir, PGLITE_OUTBOX_DIR);
  try {
    await stat(join(dir, 'PG_VERSION'));
  } catch {
    return undefined;
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const old = await PGlite.create(dir);
  let copied: PgliteImport;
  try {
    const tables = await old.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public'",
    );
    const has = new Set(tables.rows.map((row) => row.name));
    const rows = async <T>(table: string, sql: string): Promise<T[]> =>
      has.has(table) ? (await old.query<T>(sql)).rows : [];
    const readings = await rows<ReadingRow>('readings', 'select * from readings');
    const deliveredKeys = await rows<{ key: string; time: Date }>(
      'delivered_keys',
      'select key, time from delivered_keys',
    );
    const days = await rows<{
      property: string;
      room: string;
      local_date: string;
      readings: number;
      outcome: string;
      summarised_at: Date;
    }>('summarised_days', 'select * from summarised_days');
    const state = await rows<{ name: string; value: unknown }>(
      'gateway_state',
      'select name, value from gateway_state',
    );
    copied = db.transaction(() => {
      const counts = { readings: 0, deliveredKeys: 0, summarisedDays: 0, state: 0 };
      for (const row of readings) {
        counts.readings += db.run(
          `insert or ignore into readings
             (key, sensor, room, property, time, value, hour, local_date, summarise, accepted_at, delivered_at)
           values (@key, @sensor, @room, @property, @time, @value, @hour, @local_date, @summarise, @accepted_at,
                   @delivered_at)`,
          {
            key: row.key,
            sensor: row.sensor,
            room: row.room,
            property: row.property,
            time: row.time.toISOString(),
            value: row.value,
            hour: row.hour.toISOString(),
            local_date: row.local_date,
            summarise: row.summarise ? 1 : 0,
            accepted_at: row.accepted_at.toISOString(),
            delivered_at: row.delivered_at ? row.delivered_at.toISOString() : null,
          },
        );
      }
      for (const row of deliveredKeys) {
        counts.deliveredKeys += db.run(
          'insert or ignore into delivered_keys (key, time) values (@key, @time)',
          { key: row.key, time: row.time.toISOString() },
        );
      }
      for (const row of days) {
        counts.summarisedDays += db.run(
          `insert or ignore into summarised_days (property, room, local_date, readings, outcome, summarised_at)
           values (@property, @room, @local_date, @readings, @outcome, @summarised_at)`,
          { ...row, summarised_at: row.summarised_at.toISOString() },
        );
      }
      for (const row of state) {
        counts.state += db.run('insert or ignore into gateway_state (name, value) values (@name, @value)', {
          name: row.name,
          value: JSON.stringify(row.value),
        });
      }
      return counts;
    });
  } finally {
    await old.close();
  }
  let aside = join(dataDir, PGLITE_OUTBOX_ASIDE);
  try {
    await stat(aside);
    aside = `${aside}-${Date.now()}`;
  } catch {
    // the usual name is free
  }
  await rename(dir, aside);
  await syncFolder(dataDir);
  logger?.info({ ...copied, from: dir, keptAt: aside }, 'outbox upgraded from PGlite to SQLite');
  return copied;
}
