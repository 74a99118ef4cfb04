// A command run against the demo before its gateways exist is told to wait, not shown ENOENT for identities.json.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { findManifestHome, loadGatewayCredentials } from '../../src/gateway/identities-file.ts';

const RESIDENT = 'http://localhost:3000/home-01/profile/card#me';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'homedata-identities-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Writes a demo.json as the demo's first write (residents, no gateways) or its last. */
async function manifest(gateways: { webId: string; home: string }[], ready: boolean): Promise<string> {
  const path = join(dir, 'demo.json');
  const residents = [{ webId: RESIDENT, pod: 'http://localhost:3000/home-01/' }];
  await writeFile(path, JSON.stringify({ podServer: 'http://localhost:3000/', residents, gateways, ready }));
  return path;
}

describe('the demo files a gateway command reads', () => {
  it('say the demo is still starting while identities.json does not exist yet', async () => {
    const reading = loadGatewayCredentials(join(dir, 'identities.json'), RESIDENT);
    await expect(reading).rejects.toBeInstanceOf(ConfigError);
    await expect(reading).rejects.toThrow(/the demo is still starting; wait for the manifest's gateways/);
    await expect(reading).rejects.not.toThrow(/ENOENT/);
  });

  it('say the demo is still starting while the manifest lists residents but not yet their gateways', async () => {
    const path = await manifest([], false);
    await expect(findManifestHome(path, '1')).rejects.toThrow(/the demo is still starting/);
  });

  it('find the home once the manifest lists its gateway', async () => {
    const gateway = 'http://localhost:3000/gateway-01/profile/card#me';
    const path = await manifest([{ webId: gateway, home: RESIDENT }], true);
    await expect(findManifestHome(path, '1')).resolves.toMatchObject({ index: 1, gatewayWebId: gateway });
  });

  it('say there is no manifest yet rather than ENOENT', async () => {
    await expect(findManifestHome(join(dir, 'demo.json'), '1')).rejects.toThrow(/no demo manifest yet/);
  });
});
