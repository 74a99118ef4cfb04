// Unit tests: the gateway config file — defaults, paths, secrets, and device maps that cannot work.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { loadGatewaySettings } from '../../src/gateway/gateway-config.ts';

/** Writes a config file into a fresh folder and loads it. */
async function load(
  config: unknown,
  env?: Record<string, string>,
): Promise<Awaited<ReturnType<typeof loadGatewaySettings>>> {
  const dir = await mkdtemp(join(tmpdir(), 'gw-config-'));
  const file = join(dir, 'gateway.json');
  await writeFile(file, JSON.stringify(config));
  if (env) Object.assign(process.env, env);
  return loadGatewaySettings(file);
}

const minimal = {
  dataDir: './data',
  pod: 'http://localhost:3000/resident-01',
  identity: { issuer: 'http://localhost:3000/', clientId: 'id', clientSecret: 'secret' },
};

describe('gateway config', () => {
  it('fills defaults: 300 s / 500 readings flushes, summaries after 60 min, Europe/London', async () => {
    const settings = await load(minimal);
    expect(settings.flush).toEqual({ intervalMs: 300_000, maxReadings: 500 });
    expect(settings.summaries).toEqual({ enabled: true, graceMs: 3_600_000 });
    expect(settings.timeZone).toBe('Europe/London');
    expect(settings.pod).toBe('http://localhost:3000/resident-01/');
    expect(settings.dataDir).toMatch(/gw-config-.*\/data$/);
    expect(settings.quarantineFile).toBe(join(settings.dataDir, 'quarantine.jsonl'));
  });

  it('polls no broker unless `prio3` names one; then hourly by default, the broker URL ending in /', async () => {
    expect((await load(minimal)).prio3).toBeUndefined();
    expect((await load({ ...minimal, prio3: { broker: 'https://broker.example' } })).prio3).toEqual({
      brokerUrl: 'https://broker.example/',
      pollMs: 3_600_000,
    });
    expect(
      (await load({ ...minimal, prio3: { broker: 'https://broker.example/', pollSeconds: 90 } })).prio3,
    ).toEqual({ brokerUrl: 'https://broker.example/', pollMs: 90_000 });
    await expect(load({ ...minimal, prio3: { broker: 'not a url' } })).rejects.toThrow(/prio3\.broker/);
    await expect(
      load({ ...minimal, prio3: { broker: 'https://b.example/', pollSeconds: 0 } }),
    ).rejects.toThrow(/prio3\.pollSeconds/);
  });

  it('reads the gateway’s credentials from the demo’s identities.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gw-ids-'));
    const identities = join(dir, 'identities.json');
    const home = 'http://localhost:3000/resident-01/profile/card#me';
    await writeFile(
      identities,
      JSON.stringify({
        gateways: [
          {
            home,
            webId: 'http://localhost:3000/gateway-01/profile/card#me',
            issuer: 'http://localhost:3000/',
            clientId: 'c1',
            clientSecret: 's1',
          },
        ],
        residents: [],
      }),
    );
    const settings = await load({ ...minimal, identity: { identitiesFile: identities, home } });
    expect(settings.credentials).toEqual({
      issuer: 'http://localhost:3000/',
      clientId: 'c1',
      clientSecret: 's1',
    });
  });

  it('takes the HTTP token from the environment when asked', async () => {
    const settings = await load(
      { ...minimal, http: { port: 0, tokenEnv: 'GW_TEST_TOKEN' } },
      { GW_TEST_TOKEN: 'a-token-of-16-chars-or-more' },
    );
    expect(settings.http).toEqual({ port: 0, host: '127.0.0.1', token: 'a-token-of-16-chars-or-more' });
  });

  it('refuses units that do not fit, bad rooms, unknown keys and ambiguous sensors, naming the field', async () => {
    await expect(
      load({
        ...minimal,
        devices: { x: { room: 'kitchen', measures: { t: { property: 'humidity', unit: 'degF' } } } },
      }),
    ).rejects.toThrow(/devices\.x\.measures\.t.*unit/);
    await expect(load({ ...minimal, devices: { x: { room: 'Kitchen' } } })).rejects.toThrow(
      /devices\.x\.room/,
    );
    await expect(load({ ...minimal, flsh: {} })).rejects.toThrow(ConfigError);
    await expect(load({ ...minimal, timeZone: 'Mars/Olympus' })).rejects.toThrow(/timeZone/);
    await expect(
      load({
        ...minimal,
        devices: { x: { room: 'kitchen', measures: { t1: 'temperature', t2: 'temperature' } } },
      }),
    ).rejects.toThrow(/two fields measure temperature/);
    await expect(
      load({
        ...minimal,
        devices: { x: { room: 'kitchen', measures: { pm: { property: 'pm25', range: [500, 0] } } } },
      }),
    ).rejects.toThrow(/devices\.x\.measures\.pm\.range/);
  });
});
