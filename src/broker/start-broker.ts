// The broker's composition root: validates the config, opens the database, logs in as the broker, serves the app.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { Router } from 'express';
import type { SolidTokenVerifierFunction } from '@solid/access-token-verifier';
import { ConfigError } from '../errors.ts';
import type { RandomSource } from '../privacy/index.ts';
import { createLogger, type Logger } from '../logging.ts';
import { findFreePort } from '../free-port.ts';
import { loginWithClientCredentials } from '../pod/index.ts';
import { createBrokerApp } from './app.ts';
import { databaseTarget, parseBrokerConfig, type BrokerConfigInput } from './config.ts';
import type { BrokerContext } from './context.ts';
import type { Database } from './db/database.ts';
import { describeTarget, openBrokerDatabase } from './db/open-database.ts';
import { loadAuditKey } from './audit/audit-key.ts';
import { sealKeyedChain } from './audit/audit-writer.ts';
import { AuditedPodReader } from './pod-access/audited-pod-reader.ts';
import { startRetention } from './retention.ts';
import { createRunQueue } from './runs/run-queue.ts';
import { loadLeader } from './private-aggregation/leader-config.ts';
import { createResidentTokenVerifier } from './trust/resident-token-verifier.ts';
import { trustPolicyOf } from './trust/trust-policy.ts';
import { createWebhookWorker } from './webhooks/webhook-worker.ts';
import { RequestOfferSender, type OfferRetry } from './offers/request-offer-sender.ts';
import { ConsentWatcher } from './consent-watches/consent-watcher.ts';

/** The broker's own Solid identity, logged in: its WebID and authenticated fetch. */
export interface BrokerAgent {
  readonly webId: string;
  readonly fetch: typeof fetch;
  logout?(): Promise<void>;
}

/** What a caller may supply instead of the defaults (tests, `homedata demo`). */
export interface BrokerDeps {
  /** Extra routes served beside the API: the resident and council pages, from the composition root. */
  pages?: Router;
  logger?: Logger;
  /** An open database; the caller keeps ownership and closes it. Default: opened from the config. */
  db?: Database;
  /** The broker's logged-in agent; default: log in with the config's client credentials. */
  agent?: BrokerAgent;
  /** The clock; default the system clock. */
  clock?: () => Date;
  /** Resident token verifier; default `createResidentTokenVerifier` over the config's trust list. */
  verifyResident?: SolidTokenVerifierFunction;
  /** Source of DP noise; default a CSPRNG. Tests pass a seeded one. */
  random?: RandomSource;
  /** How often an offer to a home's inbox is tried; default three attempts, 2 s and 4 s apart. */
  offerRetry?: OfferRetry;
}

/** A running broker. */
export interface RunningBroker {
  /** Its public base URL, ending in `/`. */
  readonly url: string;
  /** Its database, e.g. for `addCouncil` in process (PGlite allows no second process). */
  readonly db: Database;
  readonly webId: string;
  /** The request offers sent to home inboxes: what was sent, and a wait for the ones under way. */
  readonly offers: Pick<RequestOfferSender, 'counts' | 'idle'>;
  /** The consent-record watches: a wait for subscriptions and re-reads under way. */
  readonly watches: Pick<ConsentWatcher, 'idle'>;
  /** Stops serving, logs out and closes what it opened. */
  stop(): Promise<void>;
}

/** Starts a broker and resolves once it listens. */
export async function startBroker(input: BrokerConfigInput, deps: BrokerDeps = {}): Promise<RunningBroker> {
  const config = parseBrokerConfig(input);
  const trust = trustPolicyOf(config.trust, config.issuer);
  const logger = deps.logger ?? createLogger('broker');
  const port = config.port === 0 ? await findFreePort() : config.port;
  const publicUrl = config.publicUrl ?? `http://localhost:${port}/`;
  if (!publicUrl.endsWith('/')) throw new ConfigError('publicUrl must end in /', { publicUrl });

  // Before the database: a key file others may read stops the broker before it writes anything.
  const auditKey = await loadAuditKey(config.auditKeyFile, {
    create: true,
    onCreate: (path) =>
      logger.warn({ auditKeyFile: path }, 'made a new audit key; back it up with the database'),
  });
  const target = databaseTarget(config);
  const db = deps.db ?? (await openBrokerDatabase(target));
  const cleanups: (() => Promise<unknown>)[] = deps.db ? [] : [() => db.close()];
  try {
    const agent =
      deps.agent ??
      (await loginWithClientCredentials(
        { issuer: config.issuer, clientId: config.clientId, clientSecret: config.clientSecret },
        // The broker's token goes to trusted pod servers only, and never follows a redirect (docs/security.md, H2).
        { origins: trust.podOrigins },
      ));
    if (!deps.agent && agent.logout) cleanups.unshift(() => agent.logout!());
    if (agent.webId !== config.webId) {
      throw new ConfigError(`The client credentials log in as ${agent.webId}, not the configured webId`, {
        webId: config.webId,
      });
    }
    const clock = deps.clock ?? (() => new Date());
    await sealKeyedChain(db, auditKey, logger);
    cleanups.unshift(
      await startRetention({ db, auditKey, retention: config.retention, clock, logger }).then(
        (stop) => async () => stop(),
      ),
    );
    const reader = new AuditedPodReader({
      db,
      fetch: agent.fetch,
      brokerWebId: agent.webId,
      auditKey,
      clock,
      logger,
      trust,
      limits: config.podAccess,
    });
    const prio3 =
      config.privateAggregation === undefined
        ? undefined
        : await loadLeader(config.privateAggregation, agent.webId);
    const runs = createRunQueue({
      db,
      postgres: db.kind === 'postgres' && target.kind === 'postgres' ? target : undefined,
      reader,
      clock,
      logger,
      kFloor: config.kFloor,
      limits: config.limits,
      homeConcurrency: config.limits.homesInFlight,
      random: deps.random,
      prio3,
    });
    await runs.start();
    cleanups.unshift(() => runs.stop());
    // Plain fetch: the broker's authenticated fetch carries its Solid token, which must never reach a council.
    const webhooks = createWebhookWorker({
      db,
      clock,
      logger,
      policy: config.webhooks,
      pollMs: config.webhooks.pollMs,
    });
    webhooks.start();
    cleanups.unshift(() => webhooks.stop());
    const offers = new RequestOfferSender({
      db,
      fetch: agent.fetch,
      brokerWebId: agent.webId,
      publicUrl,
      trust,
      limits: config.podAccess,
      clock,
      logger,
      retry: deps.offerRetry,
    });
    cleanups.unshift(() => offers.stop());
    const watches = new ConsentWatcher({
      db,
      reader,
      fetch: agent.fetch,
      trust,
      limits: config.podAccess,
      publicUrl,
      clock,
      logger,
    });
    cleanups.unshift(() => watches.stop());
    const ctx: BrokerContext = {
      config,
      trust,
      publicUrl,
      db,
      clock,
      logger,
      reader,
      verifyResident: deps.verifyResident ?? createResidentTokenVerifier({ trust, db, logger }),
      runs,
      offers,
      watches,
      ...(prio3 === undefined ? {} : { prio3 }),
    };
    const server: Server = createBrokerApp(ctx, deps.pages).listen(port, config.host);
    await once(server, 'listening');
    cleanups.unshift(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    logger.info({ url: publicUrl, database: deps.db ? db.kind : describeTarget(target) }, 'broker listening');
    // Once listening: a pod server may notify as soon as a channel is open.
    watches.start();
    let stopped: Promise<void> | undefined;
    return {
      url: publicUrl,
      db,
      webId: agent.webId,
      offers,
      watches,
      stop: () => (stopped ??= runAll(cleanups)),
    };
  } catch (error) {
    await runAll(cleanups);
    throw error;
  }
}

/** Runs clean-ups in order, each even if one before it failed. */
async function runAll(cleanups: readonly (() => Promise<unknown>)[]): Promise<void> {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
}
