// The broker's configuration: one zod schema, read and validated once at start, then passed down by hand.
import { z } from 'zod';
import { loadConfigFile, parseConfig } from '../config/load-config.ts';
import { DPV } from '../vocab/namespaces.ts';
import type { DatabaseTarget } from './db/open-database.ts';
import { trustConfigSchema } from './trust/trust-policy.ts';

/** The purposes a council may name unless the operator lists others (issue 4). */
export const DEFAULT_PURPOSES = [
  DPV('ImprovePublicServices'),
  DPV('PublicPolicyMaking'),
  DPV('ProvideOfficialStatistics'),
] as const;

/** Where the embedded database lives unless told otherwise: under the working data dir. */
export const DEFAULT_DB_DIR = '.homedata/broker-db';

/** The default minimum cohort: no figure is ever released over fewer homes (DESIGN.md, Promises). */
export const DEFAULT_K_FLOOR = 10;

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
    /** PGlite data directory; used when no PostgreSQL URL is given. */
    dbDir: z.string().min(1).optional(),
    /** PostgreSQL connection URL; the `DATABASE_URL` environment variable is used when this and dbDir are absent. */
    databaseUrl: z.string().min(1).optional(),
    /** PostgreSQL schema for the broker's tables (created if missing); default the connection's search_path. */
    databaseSchema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/)
      .optional(),
    /** The server floor for `minCohort`. */
    kFloor: z.number().int().min(2).default(DEFAULT_K_FLOOR),
    /** DPV purpose IRIs a request may name. */
    purposes: z
      .array(z.url())
      .min(1)
      .default([...DEFAULT_PURPOSES]),
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
    /** Requests per client IP per window before a 429 problem. */
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
