// The helper aggregator's config file and key file: validated once at start, then passed down.
import { Buffer } from 'node:buffer';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { loadConfigFile, parseConfig } from '../../config/index.ts';
import { generateAggregatorKeyPair, type AggregatorKeyPair } from '../../private-aggregation/index.ts';

/** A base64 string of exactly `length` bytes. */
export const base64Bytes = (length: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64')
    .refine((text) => Buffer.from(text, 'base64').length === length, `${length} bytes, base64`);

/**
 * `homedata helper-aggregator --config FILE`: where it listens, its key file, the leader's token and WebID, its k,
 * its own Solid identity and the pod servers it reads, and its database.
 */
export const helperConfigSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(8090),
  /** JSON key file `{ publicKey, privateKey }` (base64 X25519), relative to the config file. */
  keyFile: z.string().min(1),
  /** The VDAF verify key shared with the leader only, 16 bytes base64. */
  verifyKey: base64Bytes(16),
  /** The bearer token the leader sends; at least 32 characters. */
  leaderToken: z.string().min(32),
  /** Minimum batch size the helper enforces: max(this, 10). */
  minimumBatch: z.number().int().min(1).default(10),
  /** The leader's (broker's) WebID: a report's aggregator 0 must be it. */
  leaderWebId: z.url(),
  /** The helper's own Solid identity (client credentials on its identity provider); its WebID is aggregator 1. */
  identity: z.strictObject({
    issuer: z.url(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
  }),
  /** Pod servers the helper reads reports from: the only origins its fetch (and its token) goes to. */
  podServers: z.array(z.url()).min(1),
  /** Allow trusted pod server names that resolve to private addresses (a pod server on the same network). */
  allowPrivateNetwork: z.boolean().default(false),
  /** Deadline and byte cap of each report read. */
  podAccess: z
    .strictObject({
      requestTimeoutMs: z.number().int().min(100).max(300_000).default(10_000),
      maxReportBytes: z
        .number()
        .int()
        .min(1024)
        .default(64 * 1024),
    })
    .default({ requestTimeoutMs: 10_000, maxReportBytes: 64 * 1024 }),
  /** PGlite data folder (relative to the config file); used when no databaseUrl is given. */
  dataDir: z.string().min(1).default('helper-data'),
  /** PostgreSQL connection URL for the helper's own database (never the broker's). */
  databaseUrl: z.string().min(1).optional(),
  /** PostgreSQL schema for the helper's tables (created if missing). */
  databaseSchema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .optional(),
  /** How often one batch may be collected (DAP max_batch_query_count); each time the same stored share. */
  maxBatchQueryCount: z.number().int().min(1).max(1000).default(10),
  /** Open aggregation jobs kept at most; past it the oldest is dropped. */
  maxOpenJobs: z.number().int().min(1).default(1000),
});
export type HelperConfig = z.infer<typeof helperConfigSchema>;

const keyFileSchema = z.strictObject({ publicKey: base64Bytes(32), privateKey: base64Bytes(32) });

/** The helper's config with `keyFile` and `dataDir` resolved against the config file's folder. */
export async function loadHelperConfig(path: string): Promise<HelperConfig> {
  const config = await loadConfigFile(helperConfigSchema, path);
  return {
    ...config,
    keyFile: resolve(dirname(path), config.keyFile),
    dataDir: resolve(dirname(path), config.dataDir),
  };
}

/** The key pair in a key file. */
export async function readKeyFile(path: string): Promise<AggregatorKeyPair> {
  const keys = parseConfig(keyFileSchema, JSON.parse(await readFile(path, 'utf8')), path);
  return {
    publicKey: Buffer.from(keys.publicKey, 'base64'),
    privateKey: Buffer.from(keys.privateKey, 'base64'),
  };
}

/** Writes a fresh key pair to `path` (mode 0600, refusing to overwrite) and returns its public key, base64. */
export async function writeNewKeyFile(path: string): Promise<string> {
  const pair = await generateAggregatorKeyPair();
  const publicKey = Buffer.from(pair.publicKey).toString('base64');
  const body = { publicKey, privateKey: Buffer.from(pair.privateKey).toString('base64') };
  await writeFile(path, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return publicKey;
}
