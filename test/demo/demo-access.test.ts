// A demo data folder keeps the authorization system its pods were made with: a restart with the other one is refused
// before the pod server starts (CSS cannot read WAC ACLs as ACRs, or the other way round).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { IDENTITIES_FILE, writeJsonFile } from '../../src/demo/demo-files.ts';
import { createLogger } from '../../src/logging.ts';
import { runDemo } from '../../src/demo/run-demo.ts';

const folders: string[] = [];

/** A data folder whose identities say its pods were made with `access` (or say nothing, as before issue 14). */
async function dataDirMadeWith(access?: 'wac' | 'acp'): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'homedata-demo-access-'));
  folders.push(dataDir);
  const server = 'http://localhost:3999/';
  await writeJsonFile(join(dataDir, IDENTITIES_FILE), {
    podServer: server,
    homes: 1,
    residents: [],
    gateways: [],
    broker: {
      email: 'broker@demo.example',
      webId: `${server}broker/profile/card#me`,
      pod: `${server}broker/`,
      issuer: server,
      clientId: 'id',
      clientSecret: 'secret',
    },
    ...(access ? { access } : {}),
  });
  return dataDir;
}

const options = { podPort: 3999, brokerPort: 4000, homes: 1, liveHomes: 0 };

afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('homedata demo --access', () => {
  it('refuses to restart ACP pods as WAC', async () => {
    const dataDir = await dataDirMadeWith('acp');
    const refused = runDemo({ ...options, dataDir, access: 'wac' }, createLogger('demo', 'silent'));
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(/made for --access acp; start with --access acp/);
  });

  it('refuses to restart a folder made before --access (WAC) as ACP', async () => {
    const dataDir = await dataDirMadeWith();
    await expect(
      runDemo({ ...options, dataDir, access: 'acp' }, createLogger('demo', 'silent')),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});
