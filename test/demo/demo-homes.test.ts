// The demo enrols its fixture homes once: a restart leaves them, re-provisioned pods replace the old enrolment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/broker/db/database.ts';
import { listEnrolledHomes } from '../../src/broker/homes/home-register-reader.ts';
import { ensureHomes } from '../../src/demo/demo-broker.ts';
import type { DemoIdentities } from '../../src/demo/demo-files.ts';
import { openMemoryDatabase } from '../helpers/memory-database.ts';

/** Identities of `count` demo homes on `server`, as provisionFixtures saves them. */
function identitiesOf(server: string, count: number): Pick<DemoIdentities, 'residents' | 'gateways'> {
  const homes = Array.from({ length: count }, (_, index) => `home-${String(index + 1).padStart(2, '0')}`);
  const identity = (name: string) => ({
    email: `${name}@demo.example`,
    webId: `${server}${name}/profile/card#me`,
    pod: `${server}${name}/`,
    issuer: server,
    clientId: `id-${name}`,
    clientSecret: `secret-${name}`,
  });
  return {
    residents: homes.map((home) => ({ ...identity(`resident-${home}`), home, password: 'pw' })),
    gateways: homes.map((home) => ({
      ...identity(`gateway-${home}`),
      home: `${server}resident-${home}/profile/card#me`,
    })),
  };
}

describe('demo home enrolment', () => {
  let db: Database;

  beforeAll(async () => {
    db = await openMemoryDatabase();
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  it('enrols every fixture home with its gateway and resident, and leaves them alone on a restart', async () => {
    const identities = identitiesOf('http://localhost:3000/', 3);
    expect(await ensureHomes({ db }, identities)).toBe(3);
    const homes = await listEnrolledHomes(db);
    expect(homes.map((home) => home.home_id)).toEqual(['demo-home-01', 'demo-home-02', 'demo-home-03']);
    expect(homes[0]).toMatchObject({
      pod: 'http://localhost:3000/resident-home-01/',
      gateway_webid: 'http://localhost:3000/gateway-home-01/profile/card#me',
      resident_webid: 'http://localhost:3000/resident-home-01/profile/card#me',
    });
    expect(await ensureHomes({ db }, identities)).toBe(0);
  });

  it('replaces an enrolment whose pod changed (the pods were provisioned again on another server)', async () => {
    expect(await ensureHomes({ db }, identitiesOf('http://localhost:3100/', 3))).toBe(3);
    expect((await listEnrolledHomes(db)).map((home) => home.pod)).toEqual([
      'http://localhost:3100/resident-home-01/',
      'http://localhost:3100/resident-home-02/',
      'http://localhost:3100/resident-home-03/',
    ]);
  });
});
