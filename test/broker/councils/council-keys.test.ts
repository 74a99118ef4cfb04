// Council key lifecycle on PGlite: revoke makes the key fail at once, rotate issues a new key and the old one fails.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrokerApp } from '../../../src/broker/app.ts';
import { parseBrokerConfig } from '../../../src/broker/config.ts';
import type { BrokerContext } from '../../../src/broker/context.ts';
import { findCouncilByKey } from '../../../src/broker/councils/council-reader.ts';
import {
  addCouncil,
  revokeCouncilKey,
  rotateCouncilKey,
} from '../../../src/broker/councils/council-transactor.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import { openBrokerDatabase } from '../../../src/broker/db/open-database.ts';
import type { AuditedPodReader } from '../../../src/broker/pod-access/audited-pod-reader.ts';
import { runCouncilAdd, runCouncilRevoke, runCouncilRotate } from '../../../src/cli/broker-commands.ts';
import { NotFoundError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/logging.ts';
import { openMemoryDatabase } from '../../helpers/memory-database.ts';

let db: Database;

// Opening PGlite takes seconds on a busy machine, more than vitest's default hook timeout.
beforeAll(async () => {
  db = await openMemoryDatabase();
}, 120_000);

afterAll(async () => {
  await db?.close();
});

describe('council keys', () => {
  it('a revoked key is refused at once, and the council and its rows stay', async () => {
    const council = await addCouncil(db, 'Revoked Borough Council');
    expect(await findCouncilByKey(db, council.apiKey)).toEqual({ id: council.id, name: council.name });
    await revokeCouncilKey(db, council.name);
    expect(await findCouncilByKey(db, council.apiKey)).toBeNull();
    expect(await db.query('SELECT name FROM councils WHERE id = $1', [council.id])).toEqual([
      { name: council.name },
    ]);
  });

  it('rotating gives a working new key and the old key fails', async () => {
    const council = await addCouncil(db, 'Rotated District Council');
    const rotated = await rotateCouncilKey(db, council.id);
    expect(rotated.apiKey).not.toBe(council.apiKey);
    expect(await findCouncilByKey(db, council.apiKey)).toBeNull();
    expect(await findCouncilByKey(db, rotated.apiKey)).toEqual({ id: council.id, name: council.name });
  });

  it('rotating a revoked key gives the council a working key again', async () => {
    const council = await addCouncil(db, 'Returning Council');
    await revokeCouncilKey(db, council.id);
    const rotated = await rotateCouncilKey(db, council.name);
    expect(await findCouncilByKey(db, rotated.apiKey)).not.toBeNull();
  });

  it('names no council that does not exist', async () => {
    await expect(revokeCouncilKey(db, 'Nowhere Council')).rejects.toBeInstanceOf(NotFoundError);
    await expect(rotateCouncilKey(db, 'Nowhere Council')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('the broker app answers a revoked key with a 401 problem', async () => {
    const council = await addCouncil(db, 'HTTP Council');
    const config = parseBrokerConfig({
      issuer: 'http://localhost:1/',
      webId: 'http://localhost:1/broker/profile/card#me',
      clientId: 'id',
      clientSecret: 'secret',
    });
    const ctx = {
      config,
      publicUrl: 'http://localhost/',
      db,
      clock: () => new Date(),
      logger: createLogger('council-keys-test', 'silent'),
      reader: { brokerWebId: config.webId } as AuditedPodReader,
      verifyResident: () => Promise.reject(new Error('no tokens here')),
    } as unknown as BrokerContext;
    const server: Server = createBrokerApp(ctx).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/council/requests`;
      const get = (key: string) => fetch(url, { headers: { authorization: `Bearer ${key}` } });
      expect((await get(council.apiKey)).status).toBe(200);
      await revokeCouncilKey(db, council.name);
      const refused = await get(council.apiKey);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const rotated = await rotateCouncilKey(db, council.name);
      expect((await get(council.apiKey)).status).toBe(401);
      expect((await get(rotated.apiKey)).status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('revokes and rotates from the command line, printing the new key once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'homedata-council-cli-'));
    const flags = { db: join(dir, 'db') };
    const output: string[] = [];
    const write = (text: string) => output.push(text);
    try {
      await runCouncilAdd('Westmoor Council', { ...flags, json: true }, write);
      const added = JSON.parse(output[0]!) as { id: string; apiKey: string };
      await runCouncilRotate('Westmoor Council', { ...flags, json: true }, write);
      const rotated = JSON.parse(output[1]!) as { id: string; apiKey: string };
      expect(rotated).toMatchObject({ id: added.id, name: 'Westmoor Council' });
      await runCouncilRevoke(added.id, flags, write);
      expect(output[2]).toMatch(/revoked; it is refused from now on/);
      const cliDb = await openBrokerDatabase({ kind: 'pglite', dir: flags.db });
      try {
        expect(await findCouncilByKey(cliDb, added.apiKey)).toBeNull();
        expect(await findCouncilByKey(cliDb, rotated.apiKey)).toBeNull();
      } finally {
        await cliDb.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
