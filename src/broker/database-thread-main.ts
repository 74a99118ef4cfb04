// Entry point of the thread that prepares a broker's new embedded database (database-thread.ts): open, migrate, close.
import { workerData } from 'node:worker_threads';
import { openBrokerDatabase } from './db/open-database.ts';

const { dir } = workerData as { dir: string };
const db = await openBrokerDatabase({ kind: 'pglite', dir });
await db.close();
