// Opens the outbox: an SQLite file in the gateway's data folder (WAL, synchronous=FULL), migrated to the latest schema.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StorageFullError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import { syncFolder } from './folder-sync.ts';
import { MIGRATIONS } from './outbox-migrations.ts';
import { PGLITE_OUTBOX_DIR } from './outbox-pglite-import.ts';
import { upgradeInChildProcess } from './outbox-upgrade-process.ts';
import { pathExists } from '../path-exists.ts';

/** A value SQLite binds: text, number, integer or null (booleans are 0/1, times ISO text). */
export type SqlValue = string | number | bigint | null;

/** Named parameters (`@name` in the SQL, `name` here). */
export type SqlParams = Record<string, SqlValue>;

/** A prepared statement, as better-sqlite3 and node:sqlite's `StatementSync` both shape it. */
export interface SqliteStatement {
  run(...params: SqlParams[]): { changes: number | bigint };
  all(...params: SqlParams[]): unknown[];
  get(...params: SqlParams[]): unknown;
}

/**
 * The few calls the outbox makes of an SQLite driver. better-sqlite3 has them; node:sqlite's `DatabaseSync`
 * has the same names, so it can replace better-sqlite3 by changing `openDriver` alone.
 */
export interface SqliteDriver {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/** The file name of the outbox inside a data folder. */
export const OUTBOX_FILE = 'outbox.sqlite';

/** Whether an SQLite error means the disk is full (SQLite maps ENOSPC on write to SQLITE_FULL). */
function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}

/**
 * The outbox database handle shared by the outbox reader and writer. Calls are synchronous underneath (a commit
 * returns once SQLite fsync'd the write-ahead log); a full disk surfaces as {@link StorageFullError}.
 */
export class OutboxDatabase {
  /** The SQLite file. */
  readonly file: string;
  private readonly driver: SqliteDriver;
  private readonly statements = new Map<string, SqliteStatement>();
  private depth = 0;

  constructor(driver: SqliteDriver, file: string) {
    this.driver = driver;
    this.file = file;
  }

  /** Runs a change; returns the number of rows it changed. */
  run(sql: string, params?: SqlParams): number {
    return this.guard(() => Number(this.statement(sql).run(...(params ? [params] : [])).changes));
  }

  /** All rows of a query. */
  all<T>(sql: string, params?: SqlParams): T[] {
    return this.guard(() => this.statement(sql).all(...(params ? [params] : [])) as T[]);
  }

  /** The first row of a query, or undefined. */
  get<T>(sql: string, params?: SqlParams): T | undefined {
    return this.guard(() => this.statement(sql).get(...(params ? [params] : [])) as T | undefined);
  }

  /** Runs statements without parameters (schema). */
  exec(sql: string): void {
    this.guard(() => this.driver.exec(sql));
  }

  /**
   * Runs `work` in one transaction: all of it is on disk when this returns, or none of it. `begin immediate` takes
   * the write lock at once, so a transaction never fails half way for want of it.
   */
  transaction<T>(work: () => T): T {
    if (this.depth > 0) return work();
    this.exec('begin immediate');
    this.depth++;
    try {
      const result = work();
      this.exec('commit');
      return result;
    } catch (error) {
      // SQLite may already have rolled back (it does on SQLITE_FULL); a second rollback would only complain.
      try {
        this.driver.exec('rollback');
      } catch {
        // nothing left to roll back
      }
      throw error;
    } finally {
      this.depth--;
    }
  }

  /** Closes the file (the write-ahead log is checkpointed into it). */
  async close(): Promise<void> {
    this.statements.clear();
    this.driver.close();
  }

  /** A cached prepared statement. */
  private statement(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.driver.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Maps a full disk to the typed error inputs turn into "not acknowledged". */
  private guard<T>(call: () => T): T {
    try {
      return call();
    } catch (error) {
      if (isDiskFull(error)) {
        throw new StorageFullError(`The outbox's disk is full (${this.file})`, { file: this.file }, error);
      }
      throw error;
    }
  }
}

/**
 * The outbox's page cache, in SQLite's unit (negative: KiB): SQLite's own default of 2 MB. better-sqlite3 builds
 * SQLite with 16 MB (`DEFAULT_CACHE_SIZE=-16000`), which a growing outbox fills: a small-board gateway's RSS climbed
 * ~0.35 MB a minute for 20 minutes of ingest, its malloc heap from 7 to 13 MB (docs/gateway.md, "Seventh round").
 */
export const OUTBOX_PAGE_CACHE = -2000;

/** Opens the SQLite file with better-sqlite3: the one place that names the driver. */
export function openBetterSqlite(file: string): SqliteDriver {
  return new Database(file) as unknown as SqliteDriver;
}

/**
 * Opens (creating if needed) the outbox `dataDir/outbox.sqlite` and applies pending migrations. WAL with
 * `synchronous=FULL`: a commit returns only after the log is fsync'd, so an accepted reading survives a power cut.
 * An outbox left by an older gateway (PGlite, `dataDir/outbox/`) is copied in first, in a child process (see
 * outbox-upgrade-process.ts), then set aside. `driver` opens the
 * file (default better-sqlite3; node:sqlite's `new DatabaseSync(file)` fits too, see bench/outbox.ts).
 */
export async function openOutboxDatabase(
  dataDir: string,
  options: {
    logger?: Logger;
    driver?: (file: string) => SqliteDriver;
    /** `none`: leave a PGlite outbox alone (the upgrade process itself). */
    upgrade?: 'child-process' | 'none';
  } = {},
): Promise<OutboxDatabase> {
  await mkdir(dataDir, { recursive: true });
  if (options.upgrade !== 'none' && (await pathExists(join(dataDir, PGLITE_OUTBOX_DIR, 'PG_VERSION')))) {
    const copied = await upgradeInChildProcess(dataDir);
    options.logger?.info({ ...copied, dataDir }, 'outbox upgraded from PGlite to SQLite');
  }
  const file = join(dataDir, OUTBOX_FILE);
  const created = !(await pathExists(file));
  const db = new OutboxDatabase((options.driver ?? openBetterSqlite)(file), file);
  try {
    db.exec('pragma journal_mode = wal');
    db.exec('pragma synchronous = full');
    // A second process (`gateway status` of a stopped gateway) waits briefly rather than failing at once.
    db.exec('pragma busy_timeout = 5000');
    db.exec(`pragma cache_size = ${OUTBOX_PAGE_CACHE}`);
    if (created) await syncFolder(dataDir);
    db.exec(
      `create table if not exists schema_migrations (
         version integer primary key,
         applied_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))`,
    );
    const done = new Set(
      db.all<{ version: number }>('select version from schema_migrations').map((row) => row.version),
    );
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      db.transaction(() => {
        db.exec(migration.sql);
        db.run('insert into schema_migrations (version) values (@version)', { version: migration.version });
      });
    }
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
