// The broker's configuration: one zod schema, read and validated once at start, then passed down by hand.
import { z } from 'zod';
import { loadConfigFile, parseConfig } from '../config/index.ts';
import { MIN_COHORT_FLOOR } from '../privacy/index.ts';
import { DPV } from '../vocab/index.ts';
import type { DatabaseTarget } from './db/open-database.ts';
import { podAccessConfigSchema, DEFAULT_POD_ACCESS } from './pod-access/pod-access-limits.ts';
import { trustConfigSchema } from './trust/trust-policy.ts';
import { leaderConfigSchema } from './private-aggregation/leader-config.ts';
import { DEFAULT_MAX_PERIOD_MONTHS } from './requests/request-schema.ts';

/** The purposes a council may name unless the operator lists others (docs/api.md, `POST /api/requests` body). */
export const DEFAULT_PURPOSES = [
  DPV('ImprovePublicServices'),
  DPV('PublicPolicyMaking'),
  DPV('ProvideOfficialStatistics'),
] as const;

/** Where the embedded database lives unless told otherwise: under the working data dir. */
export const DEFAULT_DB_DIR = '.homedata/broker-db';

/** Where the audit key file lives unless told otherwise: under the working data dir, outside the database. */
export const DEFAULT_AUDIT_KEY_FILE = '.homedata/broker-audit.key';

/**
 * How long the broker keeps what it no longer needs (security review L9). Audit rows: 400 days, a year and a
 * month, so a resident's yearly look at their access log still finds the broker's side. Per-home run values: at
 * most 24 hours (a shared run deletes them when it ends; this catches runs that never ended). Webhook deliveries
 * that are settled (delivered or given up): 30 days, long enough to look into a month of a council's receiver.
 */
export const DEFAULT_RETENTION = {
  auditLogDays: 400,
  runValuesHours: 24,
  webhookDeliveriesDays: 30,
  pruneEveryMinutes: 60,
} as const;

/**
 * The default minimum cohort, and the lowest an operator may configure: no figure is ever released over fewer
 * homes (docs/security.md, Promises). The same constant the disclosure rules in src/privacy use.
 */
export const DEFAULT_K_FLOOR = MIN_COHORT_FLOOR;

/** Webhook defaults: http on loopback refused; the queue looked at every second. */
export const DEFAULT_WEBHOOKS = { allowHttpLoopback: false, pollMs: 1000 } as const;

/**
 * The bounds on the work one council can make the broker do (docs/security.md, Promises: "Bounded work"). Each
 * default is the largest a real study needs with room to spare, and small enough that the worst case fits in one
 * broker:
 * - `maxPeriodMonths` 24: two heating seasons, for a before/after comparison; each home costs one GET per input
 *   property and month of the period, so the span bounds the reads per home (24 × at most 5 properties, plus the profile).
 * - `maxCells` 20,000: a borough of 10 wards × 24 months × all 16 metrics × 5 dwelling types is 19,200. Every
 *   cell is held in memory and stored at release, filled or empty: a 19,200-cell run with no homes took
 *   2.7 s and 18 MB of heap on PGlite on a loaded 2-core machine (docs/broker.md, "Limits").
 * - `maxRunAttempts` 3: a run that stopped its broker three times will stop it again; it fails instead.
 * - `maxActiveRunsPerCouncil` 3: a council keeps a few requests running at once, and cannot fill the queue.
 * - `homeDeadlineMs` 60 s: a home's reads take well under a second on a healthy pod server (one loaded 2-core CSS
 *   served ~30 homes/s: docs/aggregation.md, Benchmark); a pod that has not answered in a minute is skipped as
 *   unreadable instead of holding the run.
 * - `runConcurrency` 2: runs executed at once per broker process (one per core of a small machine), at most one
 *   per council, so that one council's slow run never holds another council's.
 * - `homesInFlight` 8: homes one run (or shard) reads at once. One CSS is the limit at about 8 (docs/aggregation.md,
 *   Benchmark); a broker whose homes live on many pod servers raises it (about 4 × the servers read at once), and
 *   `podAccess.maxRequestsPerOrigin` still keeps each server within its share.
 * - `runShardSize` 25: homes per shard of a run shared between broker processes (PostgreSQL): small enough to
 *   spread a run over processes, large enough that a shard's three queue round trips are noise. A shard's homes
 *   bound how long it may take, and so how soon a shard whose process died is handed to another (pg-boss-queue.ts).
 */
export const DEFAULT_LIMITS = {
  maxPeriodMonths: DEFAULT_MAX_PERIOD_MONTHS,
  maxCells: 20_000,
  maxRunAttempts: 3,
  maxActiveRunsPerCouncil: 3,
  homeDeadlineMs: 60_000,
  runConcurrency: 2,
  homesInFlight: 8,
  runShardSize: 25,
} as const;

/** The schema of `limits`: every key optional, each with its default above. */
const limitsSchema = z
  .object({
    /** Longest request period, in calendar months it touches. */
    maxPeriodMonths: z.number().int().min(1).max(1200).default(DEFAULT_LIMITS.maxPeriodMonths),
    /** Most cells (areas × periods × metrics × dwelling types) a request or run may plan. */
    maxCells: z.number().int().min(1).default(DEFAULT_LIMITS.maxCells),
    /** Executions a run gets before it is marked failed (a crash mid-run counts as one). */
    maxRunAttempts: z.number().int().min(1).max(100).default(DEFAULT_LIMITS.maxRunAttempts),
    /** Queued or running runs one council may have at once. */
    maxActiveRunsPerCouncil: z.number().int().min(1).default(DEFAULT_LIMITS.maxActiveRunsPerCouncil),
    /** How long one home's reads may take in a run before the home is skipped as unreadable. */
    // At most 90 s: on a shared database a run silent for 120 s (STALE_RUN_MS) counts as dead, and a home that
    // holds its reader past the deadline would make a live run look dead.
    homeDeadlineMs: z.number().int().min(100).max(90_000).default(DEFAULT_LIMITS.homeDeadlineMs),
    /** Runs executed at once by one broker process (at most one per council). */
    runConcurrency: z.number().int().min(1).max(64).default(DEFAULT_LIMITS.runConcurrency),
    /** Homes one run (or shard of a shared run) reads at once. */
    homesInFlight: z.number().int().min(1).max(1024).default(DEFAULT_LIMITS.homesInFlight),
    /** Homes per shard of a run shared between broker processes (PostgreSQL only). */
    runShardSize: z.number().int().min(1).max(1000).default(DEFAULT_LIMITS.runShardSize),
  })
  .strict();

/** The broker's bounds on work, validated. */
export type BrokerLimits = z.infer<typeof limitsSchema>;

export const brokerConfigSchema = z
  .object({
    /** Port to listen on; 0 picks a free one. */
    port: z.number().int().min(0).max(65535).default(0),
    /** Interface to listen on; loopback unless the operator opens it up. */
    host: z.string().min(1).default('127.0.0.1'),
    /**
     * The base URL clients call (scheme, host, port as they see them, ending in `/`). Residents' DPoP proofs are
     * checked against it, so behind a proxy it must be the public URL. Default `http://localhost:PORT/`.
     */
    publicUrl: z.url().optional(),
    /** The broker's own Solid identity: OIDC issuer (the pod server), WebID and client credentials. */
    issuer: z.url(),
    webId: z.url(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    /**
     * The identity providers and pod servers the broker trusts (see `trust/trust-policy.ts`). Default: only its
     * own issuer and the pod server on that issuer's origin.
     */
    trust: trustConfigSchema.optional(),
    /** Deadlines and size limits of every read of a pod (see `pod-access/pod-access-limits.ts`). */
    podAccess: podAccessConfigSchema.default(DEFAULT_POD_ACCESS),
    /** PGlite data directory; used when no PostgreSQL URL is given. */
    dbDir: z.string().min(1).optional(),
    /** PostgreSQL connection URL; the `DATABASE_URL` environment variable is used when this and dbDir are absent. */
    databaseUrl: z.string().min(1).optional(),
    /** PostgreSQL schema for the broker's tables (created if missing); default the connection's search_path. */
    databaseSchema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/)
      .optional(),
    /** The server floor for `minCohort`; never below MIN_COHORT_FLOOR (10), which the privacy rules assume. */
    kFloor: z
      .number()
      .int()
      .min(MIN_COHORT_FLOOR, `kFloor must be at least ${MIN_COHORT_FLOOR}`)
      .default(DEFAULT_K_FLOOR),
    /** DPV purpose IRIs a request may name. */
    purposes: z
      .array(z.url())
      .min(1)
      .default([...DEFAULT_PURPOSES]),
    /**
     * The file holding the audit key (HMAC of every audit row), kept outside the database: made 0600 with 32
     * random bytes on first start if absent; a key file that group or others may read is refused.
     */
    auditKeyFile: z.string().min(1).default(DEFAULT_AUDIT_KEY_FILE),
    /** What is pruned, and when: on start and every `pruneEveryMinutes`. */
    retention: z
      .object({
        auditLogDays: z.number().int().min(1).default(DEFAULT_RETENTION.auditLogDays),
        runValuesHours: z.number().int().min(1).default(DEFAULT_RETENTION.runValuesHours),
        webhookDeliveriesDays: z.number().int().min(1).default(DEFAULT_RETENTION.webhookDeliveriesDays),
        pruneEveryMinutes: z.number().int().min(1).default(DEFAULT_RETENTION.pruneEveryMinutes),
      })
      .default({ ...DEFAULT_RETENTION }),
    /** Largest JSON body accepted, in bytes; larger bodies get a 413 problem. */
    bodyLimitBytes: z
      .number()
      .int()
      .min(1024)
      .default(64 * 1024),
    /**
     * Express `trust proxy`: behind a reverse proxy set it (e.g. 1 hop) so rate limits count clients, not the
     * proxy. Off by default: a client could otherwise pick its own address with X-Forwarded-For.
     */
    trustProxy: z.union([z.boolean(), z.number().int().min(0)]).default(false),
    /** Council webhooks (src/broker/webhooks/). */
    webhooks: z
      .object({
        /**
         * Let councils register `http://` URLs on loopback (localhost, 127.0.0.0/8, ::1): for tests and the demo.
         * Off, only https on public addresses; other private addresses are refused either way (SSRF).
         */
        allowHttpLoopback: z.boolean().default(false),
        /** How often each broker process looks for due deliveries, in ms. */
        pollMs: z.number().int().min(100).max(60_000).default(DEFAULT_WEBHOOKS.pollMs),
      })
      .strict()
      .default({ ...DEFAULT_WEBHOOKS }),
    /**
     * Private aggregation (issue 16): the broker as Prio3 leader beside an independent helper aggregator. Absent,
     * requests may only ask for `aggregation: "plain"`.
     */
    privateAggregation: leaderConfigSchema.optional(),
    /** Bounds on requests and runs (DEFAULT_LIMITS says why each default is what it is). */
    limits: limitsSchema.default({ ...DEFAULT_LIMITS }),
    /**
     * Requests per window before a 429 problem: per council key on calls that carry a valid one, per client IP
     * otherwise.
     */
    rateLimit: z
      .object({
        windowMs: z.number().int().min(1000).default(60_000),
        max: z.number().int().min(1).default(300),
      })
      .default({ windowMs: 60_000, max: 300 }),
  })
  .strict();

/** The broker's validated configuration. */
export type BrokerConfig = z.infer<typeof brokerConfigSchema>;
/** The configuration as written in a file or passed by `homedata demo` (defaults may be left out). */
export type BrokerConfigInput = z.input<typeof brokerConfigSchema>;

/** Validates a configuration object (e.g. one `homedata demo` builds in process). */
export function parseBrokerConfig(value: unknown, source = 'broker configuration'): BrokerConfig {
  return parseConfig(brokerConfigSchema, value, source);
}

/** Reads and validates a JSON configuration file. */
export function loadBrokerConfig(path: string): Promise<BrokerConfig> {
  return loadConfigFile(brokerConfigSchema, path);
}

/** The database options of a config, CLI flags or the environment. */
export interface DatabaseOptions {
  dbDir?: string;
  databaseUrl?: string;
  databaseSchema?: string;
}

/**
 * Picks the database: an explicit PostgreSQL URL, else an explicit PGlite dir, else `DATABASE_URL`, else the
 * default PGlite dir. So `--db DIR` wins over the environment, and a bare `DATABASE_URL` switches to PostgreSQL.
 */
export function databaseTarget(
  options: DatabaseOptions,
  env: NodeJS.ProcessEnv = process.env,
): DatabaseTarget {
  const schema = options.databaseSchema ?? env.DATABASE_SCHEMA;
  if (options.databaseUrl) return { kind: 'postgres', url: options.databaseUrl, schema };
  if (options.dbDir) return { kind: 'pglite', dir: options.dbDir };
  if (env.DATABASE_URL) return { kind: 'postgres', url: env.DATABASE_URL, schema };
  return { kind: 'pglite', dir: DEFAULT_DB_DIR };
}
