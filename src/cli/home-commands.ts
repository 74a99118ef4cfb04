// CLI wiring for the home register: `homedata home enrol`, `homedata home list` and `homedata home remove`.
import type { Command } from 'commander';
import {
  enrolHome,
  listEnrolledHomes,
  openBrokerDatabase,
  removeHome,
  databaseTarget,
  type Database,
  type EnrolledHomeRow,
} from '../broker/index.ts';
import { databaseOptions, type DatabaseFlags } from './broker-commands.ts';

/** Flags of `homedata home enrol`. */
export interface EnrolFlags extends DatabaseFlags {
  pod: string;
  gateway: string;
  resident?: string;
  area?: string;
}

/** Opens the broker database the flags name, runs `fn` on it, and closes it. */
async function withDatabase<T>(flags: DatabaseFlags, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openBrokerDatabase(databaseTarget(await databaseOptions(flags)));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** One home as `home list` prints it: id, pod, gateway, resident and area (or `-`), enrolment time. */
function homeLine(home: EnrolledHomeRow): string {
  return [
    home.home_id,
    home.pod,
    home.gateway_webid,
    home.resident_webid ?? '-',
    home.area ?? '-',
    home.enrolled_at.toISOString(),
  ].join('\t');
}

/** Enrols a home; a bad id or URL (exit 2) or an id or pod already enrolled (exit 5) is refused with a message. */
export async function runHomeEnrol(
  homeId: string,
  flags: EnrolFlags,
  write: (text: string) => void,
): Promise<void> {
  const home = await withDatabase(flags, (db) =>
    enrolHome(db, {
      homeId,
      pod: flags.pod,
      gatewayWebId: flags.gateway,
      ...(flags.resident === undefined ? {} : { residentWebId: flags.resident }),
      ...(flags.area === undefined ? {} : { area: flags.area }),
    }),
  );
  write(`Home ${home.home_id} enrolled: consents from ${home.pod} now count.\n`);
}

/** Lists the enrolled homes, one per line, tab-separated. */
export async function runHomeList(flags: DatabaseFlags, write: (text: string) => void): Promise<void> {
  const homes = await withDatabase(flags, listEnrolledHomes);
  if (homes.length === 0) {
    write('No homes enrolled.\n');
    return;
  }
  write(['home id', 'pod', 'gateway', 'resident', 'area', 'enrolled at'].join('\t') + '\n');
  for (const home of homes) write(`${homeLine(home)}\n`);
}

/** Removes a home; its consents stop counting at once (an unknown id exits 5). */
export async function runHomeRemove(
  homeId: string,
  flags: DatabaseFlags,
  write: (text: string) => void,
): Promise<void> {
  const home = await withDatabase(flags, (db) => removeHome(db, homeId));
  write(
    `Home ${home.home_id} removed: consents from ${home.pod} no longer count; ` +
      'runs from now on do not read that pod.\n',
  );
}

export function registerHomeCommands(program: Command): void {
  const dbHelp = 'PGlite data directory (default: the config, else DATABASE_URL, else .homedata/broker-db)';
  const write = (text: string) => process.stdout.write(text);
  const home = program
    .command('home')
    .description(
      'Manage the home register: only consents from enrolled homes count (one dwelling, one home)',
    );

  home
    .command('enrol')
    .description('Enrol a dwelling with its pod and gateway')
    .argument('<home-id>', 'the operator’s id of the dwelling, e.g. its UPRN (letters, digits, . _ -)')
    .requiredOption('--pod <url>', 'root of the home’s pod, ending in /')
    .requiredOption('--gateway <webid>', 'WebID of the gateway installed in the home')
    .option(
      '--resident <webid>',
      'WebID of the resident, if known: then only this WebID may consent for the home',
    )
    .option(
      '--area <gss-code>',
      'the home’s area (ONS GSS code, e.g. E05000001): new requests for it are offered to the resident’s inbox',
    )
    .option('--config <file>', 'broker config file whose database to use')
    .option('--db <dir>', dbHelp)
    .action((homeId: string, flags: EnrolFlags) => runHomeEnrol(homeId, flags, write));

  home
    .command('list')
    .description('List the enrolled homes (tab-separated)')
    .option('--config <file>', 'broker config file whose database to use')
    .option('--db <dir>', dbHelp)
    .action((flags: DatabaseFlags) => runHomeList(flags, write));

  home
    .command('remove')
    .description('Remove a home: its consents no longer count')
    .argument('<home-id>', 'the home id it was enrolled under')
    .option('--config <file>', 'broker config file whose database to use')
    .option('--db <dir>', dbHelp)
    .action((homeId: string, flags: DatabaseFlags) => runHomeRemove(homeId, flags, write));
}
