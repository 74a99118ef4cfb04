// The demo's two files in its data folder: the public manifest (demo.json) and the secrets (identities.json).
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { parseConfig } from '../config/index.ts';

const identitySchema = z.object({
  email: z.string(),
  webId: z.url(),
  pod: z.url(),
  issuer: z.url(),
  clientId: z.string(),
  clientSecret: z.string(),
});

/** Secrets the demo keeps so a restart reuses every account: client credentials per actor. */
export const identitiesSchema = z.object({
  podServer: z.url(),
  homes: z.number().int().positive(),
  residents: z.array(identitySchema.extend({ home: z.string(), password: z.string() })),
  gateways: z.array(identitySchema.extend({ home: z.string() })),
  broker: identitySchema,
  councils: z.array(z.object({ name: z.string(), apiKey: z.string() })).default([]),
  /** Set once every pod holds the fixture period's summaries. */
  historySeeded: z.boolean().default(false),
  /**
   * The pod server's authorization system; a data folder's pods keep theirs (absent: WAC, the default). Declared
   * here, after historySeeded, because that is where a first start adds it: a restart writes the file unchanged.
   */
  access: z.enum(['wac', 'acp']).optional(),
  /** The demo's open council request, once filed and answered by the fixture residents. */
  demoRequestId: z.string().optional(),
  /** `--private-aggregation`: the helper aggregator's identity (residents grant it Read on their reports). */
  helper: identitySchema.optional(),
  /** `--private-aggregation`: the prio3 request, once filed, answered, reported on and run. */
  prio3: z.object({ requestId: z.string(), runId: z.string() }).optional(),
});
export type DemoIdentities = z.infer<typeof identitiesSchema>;

/** The manifest promised in the README: what a person or a test needs to use the running demo. */
export const manifestSchema = z.object({
  podServer: z.url(),
  broker: z.url().nullable(),
  residents: z.array(
    z.object({ email: z.string(), password: z.string(), webId: z.url(), pod: z.url(), area: z.string() }),
  ),
  gateways: z.array(z.object({ webId: z.url(), home: z.url() })),
  brokerWebId: z.url(),
  councils: z.array(z.object({ name: z.string(), apiKey: z.string() })),
  /**
   * True on the last write only, once the broker, councils and gateways are all up; false while the demo starts
   * (absent in manifests from before this field: read as false).
   */
  ready: z.boolean().default(false),
  /**
   * `--private-aggregation` only: the helper aggregator (a separate process), and the prio3 request and its run
   * (leader and helper) whose results the first council sees on the council page.
   */
  privateAggregation: z
    .object({ helper: z.url(), helperWebId: z.url(), requestId: z.string(), runId: z.string() })
    .optional(),
});
export type DemoManifest = z.infer<typeof manifestSchema>;

export const MANIFEST_FILE = 'demo.json';
export const IDENTITIES_FILE = 'identities.json';
/** The broker's embedded database (PGlite), in the demo's data folder. */
export const BROKER_DB_FOLDER = 'broker-db';

/** Writes a JSON file atomically (write to a temporary name, then rename), readable by the owner only. */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Unique per write: the demo writes its identities from two steps that run side by side.
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

/** Reads and validates a JSON file; null when it does not exist. */
async function readJsonFile<S extends z.ZodType>(schema: S, path: string): Promise<z.infer<S> | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return parseConfig(schema, JSON.parse(text), path);
}

/** Reads the demo's saved identities, if any. */
export function readIdentities(dataDir: string): Promise<DemoIdentities | null> {
  return readJsonFile(identitiesSchema, join(dataDir, IDENTITIES_FILE));
}

/** Reads a demo manifest (`demo.json`). */
export function readManifest(path: string): Promise<DemoManifest | null> {
  return readJsonFile(manifestSchema, path);
}
