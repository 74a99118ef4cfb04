// Reads the demo's secrets file (identities.json) and the public manifest (demo.json) for what one home's gateway needs.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseConfig } from '../config/index.ts';
import { ConfigError, NotFoundError } from '../errors.ts';
import type { ClientCredentials } from '../pod/index.ts';

/** The part of identities.json the gateway reads: one entry per home's gateway; other keys are left alone. */
const identitiesSchema = z.looseObject({
  gateways: z.array(
    z.looseObject({
      /** The resident's WebID: the home this gateway serves. */
      home: z.url(),
      webId: z.url(),
      issuer: z.url(),
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
    }),
  ),
});

/** The part of demo.json the gateway reads. */
const manifestSchema = z.looseObject({
  podServer: z.url(),
  residents: z.array(z.looseObject({ webId: z.url(), pod: z.url() })).min(1),
  gateways: z.array(z.looseObject({ webId: z.url(), home: z.url() })),
  ready: z.boolean().optional(),
});

/** One resident's home as the demo manifest lists it. */
export interface ManifestHome {
  /** 1-based position among the manifest's residents. */
  index: number;
  residentWebId: string;
  pod: string;
  /** The home's gateway WebID, when the manifest lists one. */
  gatewayWebId?: string;
}

/** A gateway's credentials with the WebID they log in as. */
export interface GatewayIdentity extends ClientCredentials {
  webId: string;
}

/** What a command run against a demo that has not yet written its gateways' secrets is told. */
export const DEMO_STARTING =
  'the demo is still starting; wait for the manifest\'s gateways (demo.json says "ready": true when complete)';

/**
 * Reads and parses a JSON file, with a ConfigError naming the file on failure. `missing` is what to say when the
 * file does not exist yet (the demo writes its files as it starts), instead of the bare ENOENT.
 */
async function readJson(path: string, missing?: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (missing && (error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError(`${missing} (${path} does not exist yet)`, { path });
    }
    throw new ConfigError(`Cannot read ${path}: ${(error as Error).message}`, { path });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`, { path });
  }
}

/** The gateway credentials of the home whose resident has WebID `home`. */
export async function loadGatewayCredentials(path: string, home: string): Promise<GatewayIdentity> {
  const identities = parseConfig(identitiesSchema, await readJson(path, DEMO_STARTING), path);
  const entry = identities.gateways.find((gateway) => gateway.home === home);
  if (!entry) throw new NotFoundError(`${path} has no gateway for home ${home}`, { path });
  return {
    webId: entry.webId,
    issuer: entry.issuer,
    clientId: entry.clientId,
    clientSecret: entry.clientSecret,
  };
}

/** Finds a home in demo.json by its 1-based position (`3`) or its resident's WebID. */
export async function findManifestHome(path: string, selector: string): Promise<ManifestHome> {
  const manifest = parseConfig(
    manifestSchema,
    await readJson(path, 'no demo manifest yet: start the demo (`homedata demo`) and wait for it'),
    path,
  );
  let index: number;
  if (/^\d+$/.test(selector)) {
    index = Number(selector);
    if (index < 1 || index > manifest.residents.length) {
      throw new ConfigError(
        `--home ${selector}: the manifest has residents 1 to ${manifest.residents.length}`,
      );
    }
  } else {
    index = manifest.residents.findIndex((resident) => resident.webId === selector) + 1;
    if (index === 0) throw new NotFoundError(`No resident with WebID ${selector} in ${path}`, { path });
  }
  const resident = manifest.residents[index - 1]!;
  const gateway = manifest.gateways.find((candidate) => candidate.home === resident.webId);
  // The first manifest lists residents before their gateways exist; a complete one says `ready: true`.
  if (!gateway && manifest.ready !== true) throw new ConfigError(DEMO_STARTING, { path });
  return {
    index,
    residentWebId: resident.webId,
    pod: resident.pod,
    ...(gateway ? { gatewayWebId: gateway.webId } : {}),
  };
}
