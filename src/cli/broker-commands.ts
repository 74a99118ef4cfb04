// CLI wiring for `homedata broker`, `homedata council add` and `homedata audit verify`.
import { pagesRouter } from '../web/serve-pages.ts';
import type { Command } from 'commander';
import {
  addCouncil,
  databaseTarget,
  describeTarget,
  loadBrokerConfig,
  openBrokerDatabase,
  startBroker,
  verifyAuditLog,
  type DatabaseOptions,
} from '../broker/index.ts';
import { AuditChainBrokenError } from '../broker/audit/audit-errors.ts';
import { createLogger } from '../logging.ts';

/** Flags that say which database a command works on. */
export interface DatabaseFlags {
  /** A broker config file: its database settings are used. */
  config?: string;
  /** A PGlite data directory (wins over the config and DATABASE_URL). */
  db?: string;
}

/** Resolves `--db`, `--config` and `DATABASE_URL` into database options (see databaseTarget for the order). */
export async function databaseOptions(flags: DatabaseFlags): Promise<DatabaseOptions> {
  if (flags.db) return { dbDir: flags.db };
  if (!flags.config) return {};
  const { dbDir, databaseUrl, databaseSchema } = await loadBrokerConfig(flags.config);
  return { dbDir, databaseUrl, databaseSchema };
}

/** Adds a council and writes its API key once; works with the broker stopped (or on PostgreSQL, running). */
export async function runCouncilAdd(
  name: string,
  flags: DatabaseFlags & { json?: boolean },
  write: (text: string) => void,
): Promise<void> {
  const db = await openBrokerDatabase(databaseTarget(await databaseOptions(flags)));
  try {
    const council = await addCouncil(db, name);
    write(
      flags.json
        ? `${JSON.stringify(council)}\n`
        : `Council "${council.name}" added (id ${council.id}).\n` +
            `API key, shown only now (the broker keeps only its hash):\n${council.apiKey}\n`,
    );
  } finally {
    await db.close();
  }
}

/** Walks the audit chain; throws AuditChainBrokenError (non-zero exit) naming the first tampered row. */
export async function runAuditVerify(flags: DatabaseFlags, write: (text: string) => void): Promise<void> {
  const target = databaseTarget(await databaseOptions(flags));
  const db = await openBrokerDatabase(target);
  try {
    const verdict = await verifyAuditLog(db);
    if (!verdict.intact) throw new AuditChainBrokenError(verdict.firstBad);
    write(`Audit log intact: ${verdict.rows} rows checked (${describeTarget(target)}).\n`);
  } finally {
    await db.close();
  }
}

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

export function registerBrokerCommands(program: Command): void {
  const dbHelp = 'PGlite data directory (default: the config, else DATABASE_URL, else .homedata/broker-db)';
  const write = (text: string) => process.stdout.write(text);

  program
    .command('broker')
    .description(
      'Run the consent broker (PGlite allows one process per data dir: stop it before `council add`)',
    )
    .requiredOption('--config <file>', 'broker config file (JSON; see docs/broker.md)')
    .option('--db <dir>', dbHelp)
    .action(async (flags: { config: string; db?: string }) => {
      const config = await loadBrokerConfig(flags.config);
      const broker = await startBroker(
        flags.db ? { ...config, dbDir: flags.db, databaseUrl: undefined } : config,
        { logger: createLogger('broker'), pages: pagesRouter({ issuer: config.issuer }) },
      );
      write(`Broker listening at ${broker.url} as ${broker.webId}\n`);
      await untilStopSignal();
      await broker.stop();
    });

  program
    .command('council')
    .description('Manage councils')
    .command('add')
    .description('Add a council and print its API key once')
    .argument('<name>', 'the council’s name, e.g. "Northbridge Borough Council"')
    .option('--config <file>', 'broker config file whose database to use')
    .option('--db <dir>', dbHelp)
    .option('--json', 'print {id, name, apiKey} as JSON')
    .action((name: string, flags: DatabaseFlags & { json?: boolean }) => runCouncilAdd(name, flags, write));

  program
    .command('audit')
    .description('Check the broker’s audit log')
    .command('verify')
    .description('Walk the hash chain; exit non-zero naming the first tampered row')
    .option('--config <file>', 'broker config file whose database to use')
    .option('--db <dir>', dbHelp)
    .action((flags: DatabaseFlags) => runAuditVerify(flags, write));
}
