// The gateway's configuration file: its zod schema, defaults, and resolution into the settings a gateway runs with.
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { loadConfigFile } from '../config/index.ts';
import { ConfigError } from '../errors.ts';
import { assertTimeZone, PROPERTIES } from '../metrics/index.ts';
import type { ClientCredentials } from '../pod/index.ts';
import { deviceMapProblems, type DeviceSpec } from './device-map.ts';
import { loadGatewayCredentials } from './identities-file.ts';
import { ALL_UNITS, unitFits, type Unit } from './unit-conversion.ts';

/** Room slugs as the summary shape allows them (`living-room`, `bedroom-1`). */
export const ROOM_SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const roomSlug = z.string().regex(ROOM_SLUG, 'a room slug: lower-case letters and digits joined by hyphens');
const property = z.enum(PROPERTIES);
const unit = z.enum(ALL_UNITS as [Unit, ...Unit[]]);

const channelSchema = z.union([
  property,
  z
    .strictObject({
      property,
      unit: unit.optional(),
      room: roomSlug.optional(),
      sensor: z.string().min(1).optional(),
      // The measuring range the sensor's datasheet states, in the canonical unit: values outside are kept, flagged.
      range: z
        .tuple([z.number(), z.number()])
        .refine(([low, high]) => low < high, 'a range [low, high] with low below high')
        .optional(),
    })
    .refine((channel) => !channel.unit || unitFits(channel.property, channel.unit), {
      message: 'this unit does not measure this property',
      path: ['unit'],
    }),
]);

const deviceSchema = z.strictObject({
  room: roomSlug,
  measures: z.record(z.string().min(1), channelSchema).optional(),
});

const timeZone = z.string().refine(
  (zone) => {
    try {
      assertTimeZone(zone);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'an IANA time zone such as Europe/London' },
);

/** Client credentials inline, or a pointer to the demo's identities.json and the home (resident WebID) to take. */
const identitySchema = z.union([
  z.strictObject({ issuer: z.url(), clientId: z.string().min(1), clientSecret: z.string().min(1) }),
  z.strictObject({ identitiesFile: z.string().min(1), home: z.url() }),
]);

/** The JSON config file of `homedata gateway run`. Relative paths are relative to the file. */
export const gatewayConfigSchema = z.strictObject({
  /** Folder for the outbox database, the quarantine file and the status file. */
  dataDir: z.string().min(1),
  /** Root of the resident's pod, e.g. `http://localhost:3000/resident-01/`. */
  pod: z.url(),
  /** The home's time zone: local days for daily summaries are counted in it. */
  timeZone: timeZone.default('Europe/London'),
  identity: identitySchema,
  devices: z.record(z.string().min(1), deviceSchema).default({}),
  mqtt: z
    .strictObject({
      url: z.string().regex(/^(mqtts?|wss?|tcp):\/\//, 'an mqtt://, mqtts://, ws:// or wss:// URL'),
      /** Fixed client id with a persistent session, so the broker keeps QoS 1 messages while the gateway is down. */
      clientId: z.string().min(1).default('homedata-gateway'),
      /**
       * MQTT connections sharing the subscriptions (`$share/<clientId>/…`, MQTT 5 and Mosquitto 2+, not aedes): each
       * has one message in flight until its commit, so several let many messages share one fsync'd commit.
       */
      connections: z.number().int().min(1).max(64).default(1),
      username: z.string().optional(),
      password: z.string().optional(),
      zigbee2mqttTopic: z.string().min(1).default('zigbee2mqtt'),
      thingsStackTopic: z.string().min(1).default('v3/+/devices/+/up'),
    })
    .optional(),
  http: z
    .strictObject({
      port: z.number().int().min(0).max(65_535),
      host: z.string().default('127.0.0.1'),
      /** The bearer token webhook callers send; or name an environment variable holding it. */
      token: z.string().min(16).optional(),
      tokenEnv: z.string().min(1).optional(),
    })
    .refine((http) => Boolean(http.token) !== Boolean(http.tokenEnv), {
      message: 'give exactly one of token or tokenEnv',
    })
    .optional(),
  simulator: z
    .strictObject({
      /** Fixture home id (`home-01`) whose sensors are simulated. */
      home: z.string().regex(/^home-\d+$/),
      homes: z.number().int().min(1).max(999).default(24),
      seed: z.string().default('homedata'),
      stepSeconds: z.number().min(1).default(60),
      /** Hours of past readings to send at start, so a fresh demo has history. */
      backfillHours: z
        .number()
        .min(0)
        .max(24 * 31)
        .default(0),
    })
    .optional(),
  flush: z
    .strictObject({
      /** Seconds between flushes: the longest a reading waits in the outbox while the pod is up. */
      intervalSeconds: z.number().positive().default(300),
      /** Flush early once this many readings wait. */
      maxReadings: z.number().int().positive().default(500),
    })
    .prefault({}),
  summaries: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Minutes after local midnight before a day counts as complete, for late messages. */
      graceMinutes: z.number().min(0).default(60),
    })
    .prefault({}),
  retry: z
    .strictObject({
      baseMs: z.number().positive().default(1000),
      maxMs: z.number().positive().default(300_000),
    })
    .prefault({}),
  /** Private aggregation: the broker whose open prio3 tasks (`GET /api/prio3/tasks`) this home writes reports for. */
  prio3: z
    .strictObject({
      broker: z.url(),
      /** Seconds between polls of the broker's tasks (`gateway run --prio3-poll-seconds`). */
      pollSeconds: z.number().positive().default(3600),
    })
    .optional(),
  /** How far ahead of the gateway clock a reading's time may be before it counts as "in the future". */
  maxClockSkewSeconds: z.number().min(0).default(120),
  /** Days a delivered reading's key is kept, so a re-sent or replayed reading is recognised and not written again. */
  dedupRetentionDays: z.number().int().positive().default(400),
  /** Quarantine file (JSON lines); defaults to `<dataDir>/quarantine.jsonl`. */
  quarantineFile: z.string().optional(),
  /** How `gateway replay --config` reads CSV files unless its flags say otherwise. */
  csv: z
    .strictObject({
      timeColumn: z.string().min(1).default('time'),
      /** Zone of times written without an offset. */
      timeZone: timeZone.default('UTC'),
      /** Luxon `DateTime.fromFormat` tokens of the time column (`yyyy/M/d H:mm`); omitted: ISO 8601 or epoch. */
      timeFormat: z.string().min(1).optional(),
      /** CSV column → `ROOM/PROPERTY` or `ROOM/PROPERTY:UNIT`; omitted: every column named `ROOM-PROPERTY`. */
      columns: z.record(z.string().min(1), z.string().min(1)).optional(),
    })
    .optional(),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

/** What a running gateway needs: the config with paths made absolute and secrets resolved. */
export interface GatewaySettings {
  dataDir: string;
  pod: string;
  timeZone: string;
  credentials: ClientCredentials;
  devices: Record<string, DeviceSpec>;
  mqtt?: {
    url: string;
    clientId: string;
    /** 1 when absent. */
    connections?: number;
    username?: string;
    password?: string;
    zigbee2mqttTopic: string;
    thingsStackTopic: string;
  };
  http?: { port: number; host: string; token: string };
  simulator?: GatewayConfig['simulator'];
  flush: { intervalMs: number; maxReadings: number };
  summaries: { enabled: boolean; graceMs: number };
  retry: { baseMs: number; maxMs: number };
  maxClockSkewMs: number;
  /** The broker (base URL, ending in `/`) whose prio3 tasks are polled every `pollMs`. */
  prio3?: { brokerUrl: string; pollMs: number };
  dedupRetentionDays: number;
  quarantineFile: string;
  csv?: GatewayConfig['csv'];
}

/** Turns a validated config into settings: absolute paths, credentials and token looked up. */
export async function resolveGatewayConfig(
  config: GatewayConfig,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GatewaySettings> {
  const problems = deviceMapProblems(config.devices);
  if (problems.length > 0) throw new ConfigError(`Invalid device map: ${problems.join('; ')}`);
  const dataDir = resolve(baseDir, config.dataDir);
  const credentials =
    'identitiesFile' in config.identity
      ? await loadGatewayCredentials(resolve(baseDir, config.identity.identitiesFile), config.identity.home)
      : config.identity;
  let http: GatewaySettings['http'];
  if (config.http) {
    const token = config.http.token ?? env[config.http.tokenEnv ?? ''];
    if (!token || token.length < 16) {
      throw new ConfigError(
        `http.tokenEnv: environment variable ${config.http.tokenEnv} must hold a token of 16+ characters`,
      );
    }
    http = { port: config.http.port, host: config.http.host, token };
  }
  return {
    dataDir,
    pod: config.pod.endsWith('/') ? config.pod : `${config.pod}/`,
    timeZone: config.timeZone,
    credentials: {
      issuer: credentials.issuer,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
    },
    devices: config.devices,
    ...(config.mqtt ? { mqtt: config.mqtt } : {}),
    ...(http ? { http } : {}),
    ...(config.simulator ? { simulator: config.simulator } : {}),
    flush: { intervalMs: config.flush.intervalSeconds * 1000, maxReadings: config.flush.maxReadings },
    summaries: { enabled: config.summaries.enabled, graceMs: config.summaries.graceMinutes * 60_000 },
    retry: config.retry,
    maxClockSkewMs: config.maxClockSkewSeconds * 1000,
    ...(config.prio3
      ? {
          prio3: {
            brokerUrl: config.prio3.broker.endsWith('/') ? config.prio3.broker : `${config.prio3.broker}/`,
            pollMs: config.prio3.pollSeconds * 1000,
          },
        }
      : {}),
    dedupRetentionDays: config.dedupRetentionDays,
    quarantineFile: config.quarantineFile
      ? resolve(baseDir, config.quarantineFile)
      : resolve(dataDir, 'quarantine.jsonl'),
    ...(config.csv ? { csv: config.csv } : {}),
  };
}

/** Reads, validates and resolves a gateway config file. */
export async function loadGatewaySettings(path: string): Promise<GatewaySettings> {
  const config = await loadConfigFile(gatewayConfigSchema, path);
  return resolveGatewayConfig(config, dirname(resolve(path)));
}
