// CLI wiring for `homedata consent list|grant|refuse|revoke|sweep`, acting as one resident with that resident's own session.
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import {
  BrokerClient,
  grantConsent,
  listConsents,
  refuseConsent,
  revokeConsent,
  sweepConsents,
  type ConsentContext,
  type ConsentListing,
} from '../consent/index.ts';
import { readManifest } from '../demo/files.ts';
import { AuthenticationError, ConfigError } from '../errors.ts';
import { AccountApi, loginWithClientCredentials, type SolidAgent } from '../pod/index.ts';

/** Who to act as and where: a demo manifest resident, or client credentials. */
export interface ResidentFlags {
  manifest?: string;
  resident?: number;
  issuer?: string;
  clientId?: string;
  clientSecret?: string;
  /** The broker's base URL; default the manifest's broker. */
  broker?: string;
  /** The resident's pod root; default the manifest's pod, else the WebID profile's pim:storage. */
  pod?: string;
}

/** A logged-in resident with the context the consent module needs; `close` logs out. */
interface ResidentContext {
  context: ConsentContext;
  close(): Promise<void>;
}

/**
 * Logs in as the resident. With a manifest: the account API login (email, password) mints client credentials
 * for the resident's WebID, and the CLI logs in with those (CSS offers no other non-interactive login).
 */
export async function residentContext(flags: ResidentFlags): Promise<ResidentContext> {
  let agent: SolidAgent;
  let broker = flags.broker;
  let pod = flags.pod;
  if (flags.manifest) {
    const manifest = await readManifest(resolve(flags.manifest));
    if (!manifest) throw new ConfigError(`No demo manifest at ${flags.manifest}`, { path: flags.manifest });
    const index = flags.resident ?? 0;
    const resident = manifest.residents[index - 1];
    if (!resident) {
      throw new ConfigError(`--resident must be from 1 to ${manifest.residents.length}`, { resident: index });
    }
    const api = new AccountApi(manifest.podServer);
    const token = await api.login(resident.email, resident.password);
    if (!token) throw new AuthenticationError(`The pod server refused the login of ${resident.email}`);
    const { id, secret } = await api.createClientCredentials(token, resident.webId, 'homedata-consent-cli');
    agent = await loginWithClientCredentials({
      issuer: manifest.podServer,
      clientId: id,
      clientSecret: secret,
    });
    broker ??= manifest.broker ?? undefined;
    pod ??= resident.pod;
  } else if (flags.issuer && flags.clientId && flags.clientSecret) {
    agent = await loginWithClientCredentials({
      issuer: flags.issuer,
      clientId: flags.clientId,
      clientSecret: flags.clientSecret,
    });
  } else {
    throw new ConfigError(
      'Say who you are: --manifest FILE --resident N, or --issuer, --client-id and --client-secret',
    );
  }
  if (!broker) {
    await agent.logout();
    throw new ConfigError('Say which broker: --broker URL (or a manifest whose broker is running)');
  }
  return {
    context: { session: agent, broker: new BrokerClient(broker, agent.fetch), pod },
    close: () => agent.logout(),
  };
}

/** Runs `action` as the resident and always logs out (a live session keeps Node running). */
async function asResident<T>(
  flags: ResidentFlags,
  action: (context: ConsentContext) => Promise<T>,
): Promise<T> {
  const { context, close } = await residentContext(flags);
  try {
    return await action(context);
  } finally {
    await close().catch(() => undefined);
  }
}

/** One line per request: id, standing, council, title, and the date that matters. */
export function formatListing(listing: ConsentListing): string {
  const record = listing.record;
  const when =
    listing.standing === 'given'
      ? `until ${record?.expiresAt?.toISOString().slice(0, 10)}`
      : listing.standing === 'withdrawn'
        ? `withdrawn ${record?.withdrawnAt?.toISOString().slice(0, 10)}`
        : listing.request?.state === 'open'
          ? `open until ${listing.request.consentUntil.slice(0, 10)}`
          : '';
  const who = listing.request
    ? `${listing.request.council.name}: ${listing.request.title}`
    : '(request no longer listed)';
  return `${listing.requestId}  ${listing.standing.padEnd(10)}  ${who}  ${when}`.trimEnd();
}

/** Parses `--resident N`. */
function residentNumber(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('expected a number from 1');
  return number;
}

/** Parses `--until DATE` (a date means the end of that day, UTC). */
function untilDate(value: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:59.999Z`) : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError('expected a date YYYY-MM-DD or a date-time');
  return date;
}

/** Adds the resident and broker options to a command. */
function residentOptions(command: Command): Command {
  return command
    .option('--manifest <file>', 'demo manifest (DATA_DIR/demo.json)')
    .option('--resident <n>', 'the n-th resident of the manifest, from 1', residentNumber)
    .option('--issuer <url>', "the resident's identity provider")
    .option('--client-id <id>', "the resident's client credentials id")
    .option('--client-secret <secret>', "the resident's client credentials secret")
    .option('--broker <url>', "the broker's base URL (default: the manifest's)")
    .option(
      '--pod <url>',
      "the resident's pod (default: the manifest's, else the WebID profile's pim:storage)",
    );
}

export function registerConsentCommands(program: Command): void {
  const write = (text: string) => process.stdout.write(text);
  const consent = program
    .command('consent')
    .description('Answer council requests as a resident, from your own pod');

  residentOptions(consent.command('list').description('List requests and your answers'))
    .option('--json', 'print the listing as JSON')
    .action(async (flags: ResidentFlags & { json?: boolean }) => {
      const listings = await asResident(flags, listConsents);
      write(
        flags.json ? `${JSON.stringify(listings, null, 2)}\n` : `${listings.map(formatListing).join('\n')}\n`,
      );
    });

  residentOptions(
    consent.command('grant').description('Consent to a request: record, broker Read, tell the broker'),
  )
    .argument('<request-id>')
    .option('--until <date>', 'end the consent earlier than the request asks', untilDate)
    .action(async (requestId: string, flags: ResidentFlags & { until?: Date }) => {
      const outcome = await asResident(flags, (context) =>
        grantConsent(context, requestId, { until: flags.until }),
      );
      write(
        `Consent given to ${requestId} until ${outcome.expiresAt.toISOString()}.\n` +
          `The broker (${outcome.broker}) may now read:\n${outcome.readable.map((url) => `  ${url}\n`).join('')}`,
      );
    });

  residentOptions(consent.command('refuse').description('Refuse a request (recorded in your pod only)'))
    .argument('<request-id>')
    .action(async (requestId: string, flags: ResidentFlags) => {
      await asResident(flags, (context) => refuseConsent(context, requestId));
      write(`Refused ${requestId}; nothing was shared.\n`);
    });

  residentOptions(
    consent.command('revoke').description('Withdraw a consent; the broker loses Read before this returns'),
  )
    .argument('<request-id>')
    .action(async (requestId: string, flags: ResidentFlags) => {
      const outcome = await asResident(flags, (context) => revokeConsent(context, requestId));
      write(
        `Consent to ${requestId} withdrawn.\n` +
          (outcome.removed.length > 0
            ? `The broker can no longer read:\n${outcome.removed.map((url) => `  ${url}\n`).join('')}`
            : 'Other active consents still need what it covered.\n'),
      );
    });

  residentOptions(
    consent.command('sweep').description('Mark expired consents and remove the Read they left'),
  ).action(async (flags: ResidentFlags) => {
    const outcome = await asResident(flags, sweepConsents);
    write(
      `${outcome.requestIds.length} consent(s) marked expired; ` +
        `broker Read removed from ${outcome.removed.length} resource(s).\n`,
    );
  });
}
