// The upgrade process: `run-ts.js outbox-upgrade-main.ts DATA_DIR` copies a PGlite outbox into SQLite, prints what it copied.
import { importPgliteOutbox } from './outbox-pglite-import.ts';
import { openOutboxDatabase } from './outbox-store.ts';

const dataDir = process.argv[2]!;
const db = await openOutboxDatabase(dataDir, { upgrade: 'none' });
try {
  const copied = await importPgliteOutbox(dataDir, db);
  process.stdout.write(`${JSON.stringify(copied ?? null)}\n`);
} finally {
  await db.close();
}
