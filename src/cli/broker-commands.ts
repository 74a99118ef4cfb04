// CLI wiring for `homedata broker`, `homedata council add|revoke|rotate` and `homedata audit verify`.
import { pagesRouter } from '../web/index.ts';
import type { Command } from 'commander';
import {
  addCouncil,
  databaseTarget,
  describeTarget,
  loadBrokerConfig,
  openBrokerDatabase,
  revokeCouncilKey,
  rotateCouncilKey,
  startBroker,
  verifyAuditLog,
  type DatabaseOptions,
  AuditChainBrokenError,
  AuditPodMismatchError,
  describeFinding,
  loadAuditKey,
  checkAuditAgainstPods,
  DEFAULT_AUDIT_KEY_FILE,
} from '../broker/index.ts';
import { ConfigError } from '../errors.ts';
import { loginWithClientCredentials } from '../pod/index.ts';
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

/** Runs `work` on the database the flags name, closing it whatever happens. */
async function withDatabase<T>(
  flags: DatabaseFlags,
  work: (db: Awaited<ReturnType<typeof openBrokerDatabase>>) => Promise<T>,
): Promise<T> {
  const db = await openBrokerDatabase(databaseTarget(await databaseOptions(flags)));
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** Adds a council and writes its API key once; works with the broker stopped (or on PostgreSQL, running). */
export async function runCouncilAdd(
  name: string,
  flags: DatabaseFlags & { json?: boolean },
  write: (text: string) => void,
): Promise<void> {
  const council = await withDatabase(flags, (db) => addCouncil(db, name));
  write(
    flags.json
      ? `${JSON.stringify(council)}\n`
      : `Council "${council.name}" added (id ${council.id}).\n` +
          `API key, shown only now (the broker keeps only its hash):\n${council.apiKey}\n`,
  );
}

/** Revokes a council's API key at once (the council's requests and releases stay). */
export async function runCouncilRevoke(
  nameOrId: string,
  flags: DatabaseFlags,
  write: (text: string) => void,
): Promise<void> {
  const council = await withDatabase(flags, (db) => revokeCouncilKey(db, nameOrId));
  write(
    `API key of council "${council.name}" (id ${council.id}) revoked; it is refused from now on.\n` +
      'Its requests and releases are kept. `homedata council rotate` issues a new key.\n',
  );
}

/** Gives a council a new API key, printed once; the old key is refused from now on. */
export async function runCouncilRotate(
  nameOrId: string,
  flags: DatabaseFlags & { json?: boolean },
  write: (text: string) => void,
): Promise<void> {
  const council = await withDatabase(flags, (db) => rotateCouncilKey(db, nameOrId));
  write(
    flags.json
      ? `${JSON.stringify(council)}\n`
      : `New API key for council "${council.name}" (id ${council.id}); the old key no longer works.\n` +
          `Shown only now (the broker keeps only its hash):\n${council.apiKey}\n`,
  );
}

/** Flags of `homedata audit verify`. */
export interface AuditVerifyFlags extends DatabaseFlags {
  /** The audit key file (default: the config's auditKeyFile, else .homedata/broker-audit.key). */
  auditKey?: string;
  /** Also hold the log against residents' access logs, read with the broker's credentials (needs --config). */
  pods?: boolean;
}

/**
 * Walks the keyed audit chain; throws AuditChainBrokenError (non-zero exit) naming the first tampered row. With
 * `--pods`, then reads every pod's access log as the broker and throws AuditPodMismatchError listing rows missing
 * or changed on either side (this finds deleted newest rows, which the chain alone cannot).
 */
export async function runAuditVerify(
  flags: AuditVerifyFlags,
  write: (text: string) => void,
  now: () => Date = () => new Date(),
): Promise<void> {
  const config = flags.config ? await loadBrokerConfig(flags.config) : undefined;
  if (flags.pods && !config) {
    throw new ConfigError('--pods reads pods as the broker: give the broker config with --config', {
      field: 'pods',
    });
  }
  const key = await loadAuditKey(flags.auditKey ?? config?.auditKeyFile ?? DEFAULT_AUDIT_KEY_FILE, {
    create: false,
  });
  const target = databaseTarget(await databaseOptions(flags));
  const db = await openBrokerDatabase(target);
  try {
    const verdict = await verifyAuditLog(db, key);
    if (!verdict.intact) throw new AuditChainBrokenError(verdict.firstBad);
    const pruned = verdict.prunedThrough > 0 ? `, rows 1-${verdict.prunedThrough} pruned` : '';
    write(`Audit log intact: ${verdict.rows} rows checked${pruned} (${describeTarget(target)}).\n`);
    if (!flags.pods || !config) return;
    const agent = await loginWithClientCredentials(config);
    try {
      const report = await checkAuditAgainstPods(db, {
        fetch: agent.fetch,
        brokerWebId: agent.webId,
        now: now(),
      });
      for (const finding of report.findings) write(`  ${describeFinding(finding)}\n`);
      if (report.findings.length > 0) throw new AuditPodMismatchError(report.findings);
      write(
        `Residents' access logs agree: ${report.rowsChecked} rows found in ${report.pods} pods ` +
          `(${report.documents} access log documents read).\n`,
      );
    } finally {
      await agent.logout?.();
    }
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

  const council = program.command('council').description('Manage councils and their API keys');
  council
    .command('add')
    .description('Add a council and print its API key once')
    .argument('<name>', 'the council’s name, e.g. "Northbridge Borough Council"')
    .option('--config <file>', 'broker config file whose database to use')
    .option('--db <dir>', dbHelp)
    .option('--json', 'print {id, name, apiKey} as JSON')
    .action((name: string, flags: DatabaseFlags & { json?: boolean }) => runCouncilAdd(name, flags, write));
  council
    .command('revoke')
    .description('Revoke a council’s API key at once (401 from then on); its requests and releases stay')
    .argument('<name-or-id>', 'the council’s name or id')
    .option('--config <file>', 'broker config file whose database to use')
    .option('--db <dir>', dbHelp)
    .action((nameOrId: string, flags: DatabaseFlags) => runCouncilRevoke(nameOrId, flags, write));
  council
    .command('rotate')
    .description('Give a council a new API key, printed once; the old key stops working')
    .argument('<name-or-id>', 'the council’s name or id')
    .option('--config <file>', 'broker config file whose database to use')
    .option('--db <dir>', dbHelp)
    .option('--json', 'print {id, name, apiKey} as JSON')
    .action((nameOrId: string, flags: DatabaseFlags & { json?: boolean }) =>
      runCouncilRotate(nameOrId, flags, write),
    );

  program
    .command('audit')
    .description('Check the broker’s audit log')
    .command('verify')
    .description('Walk the keyed hash chain; exit non-zero naming the first tampered row')
    .option('--config <file>', 'broker config file whose database, audit key and credentials to use')
    .option('--db <dir>', dbHelp)
    .option(
      '--audit-key <file>',
      'audit key file (default: the config’s auditKeyFile, else .homedata/broker-audit.key)',
    )
    .option(
      '--pods',
      'also compare with residents’ access logs, read as the broker (finds deleted newest rows)',
    )
    .action((flags: AuditVerifyFlags) => runAuditVerify(flags, write));
}
