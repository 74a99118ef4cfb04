// `homedata demo` as a user runs it: pods on localhost, a manifest, logins that work, a quick idempotent restart.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countActiveConsents } from '../../src/broker/consents/consent-reader.ts';
import { openBrokerDatabase } from '../../src/broker/db/open-database.ts';
import { listEnrolledHomes } from '../../src/broker/homes/home-register-reader.ts';
import { AccountApi } from '../../src/pod/account-api.ts';
import { startDemoProcess, type DemoProcess } from '../helpers/demo-process.ts';

// Starting the whole demo (pod server, 3 homes, broker, a live gateway) takes long on a busy 2-core machine.
describe('homedata demo', { timeout: 300_000 }, () => {
  let dataDir: string;
  let demo: DemoProcess | undefined;

  afterAll(async () => {
    await demo?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves pods on localhost and writes a manifest whose logins work', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'homedata-demo-'));
    demo = await startDemoProcess(dataDir, { homes: 3 });
    const { manifest } = demo;
    expect(manifest.podServer).toBe(`http://localhost:${demo.podPort}/`);
    expect(manifest.residents).toHaveLength(3);
    expect(manifest.gateways).toHaveLength(3);
    expect(new Set(manifest.residents.map((resident) => resident.webId)).size).toBe(3);
    expect(manifest.gateways.map((gateway) => gateway.home)).toEqual(manifest.residents.map((r) => r.webId));
    const resident = manifest.residents[0]!;
    expect(await new AccountApi(manifest.podServer).login(resident.email, resident.password)).toEqual(
      expect.any(String),
    );
    const profile = await fetch(resident.webId, { headers: { accept: 'text/turtle' } });
    expect(profile.status).toBe(200);
    const privateHome = await fetch(`${resident.pod}homedata/home`);
    expect(privateHome.status).toBe(401);
  });

  it('runs the broker with both fixture councils and their open request, and serves both pages', async () => {
    const { manifest } = demo!;
    expect(manifest.broker).toBe(`http://localhost:${demo!.brokerPort}/`);
    expect(manifest.ready).toBe(true);
    expect(await (await fetch(manifest.broker!)).text()).toContain('href="/resident/"');
    expect(manifest.councils.map((council) => council.name)).toEqual([
      'Northbridge Borough Council',
      'Eastvale District Council',
    ]);
    expect((await fetch(`${manifest.broker}health`)).status).toBe(200);
    const { requests } = (await (await fetch(`${manifest.broker}api/requests`)).json()) as {
      requests: { title: string; council: { name: string } }[];
    };
    expect(requests.map((request) => request.council.name)).toEqual(['Northbridge Borough Council']);
    for (const page of ['resident/', 'council/']) {
      expect((await fetch(`${manifest.broker}${page}`)).status).toBe(200);
      expect(demo!.output()).toContain(`${manifest.broker}${page}`);
    }
  });

  it('stops cleanly on SIGTERM and restarts on the same data reusing every identity', async () => {
    const first = demo!;
    const identities = await readFile(join(dataDir, 'identities.json'), 'utf8');
    expect(await first.stop()).toBe(0);
    demo = await startDemoProcess(dataDir, {
      homes: 3,
      podPort: first.podPort,
      brokerPort: first.brokerPort,
    });
    expect(await readFile(join(dataDir, 'identities.json'), 'utf8')).toBe(identities);
    expect(demo.manifest.residents.map((r) => r.webId)).toEqual(first.manifest.residents.map((r) => r.webId));
  });

  it('enrolled its fixture homes before residents answered, so every consent it holds counts', async () => {
    const { manifest } = demo!;
    expect(await demo!.stop()).toBe(0);
    demo = undefined;
    // PGlite allows one process per data directory: read the broker's database once the demo has stopped.
    const db = await openBrokerDatabase({ kind: 'pglite', dir: join(dataDir, 'broker-db') });
    try {
      const homes = await listEnrolledHomes(db);
      expect(homes.map((home) => home.home_id)).toEqual(['demo-home-01', 'demo-home-02', 'demo-home-03']);
      expect(homes.map((home) => home.pod)).toEqual(manifest.residents.map((resident) => resident.pod));
      expect(homes.map((home) => home.gateway_webid)).toEqual(
        manifest.gateways.map((gateway) => gateway.webId),
      );
      const requests = await db.query<{ id: string }>('SELECT id FROM requests');
      for (const { id } of requests) {
        const all = await db.query('SELECT 1 FROM consents WHERE request_id = $1', [id]);
        expect(await countActiveConsents(db, id, new Date())).toBe(all.length);
      }
    } finally {
      await db.close();
    }
  });
});
