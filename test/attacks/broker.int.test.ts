// Attacks by the broker's operator or anyone with database access: rewriting or deleting audit rows, and using a
// council key after it was revoked or rotated. Real in-process CSS, real broker, PGlite.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { auditRowHash, type AuditEntry } from '../../src/broker/audit/audit-chain.ts';
import { AuditChainBrokenError, AuditPodMismatchError } from '../../src/broker/audit/audit-errors.ts';
import {
  addCouncil,
  openBrokerDatabase,
  revokeCouncilKey,
  rotateCouncilKey,
  startBroker,
  type BrokerConfigInput,
  type Database,
  type RunningBroker,
} from '../../src/broker/index.ts';
import type { AuditRow } from '../../src/broker/db/schema/audit-log.ts';
import { runAuditVerify } from '../../src/cli/broker-commands.ts';
import { BrokerClient, grantConsent } from '../../src/consent/index.ts';
import { createLogger } from '../../src/logging.ts';
import { setUpHomedataPod } from '../../src/pod/homedata-pod.ts';
import { writeTurtle } from '../../src/pod/resource-write.ts';
import { TEST_AREA, validRequest } from '../broker/request-fixtures.ts';
import { enrolTestHomes, TEST_GATEWAY_WEBID } from '../helpers/enrol-homes.ts';
import { createActor, type TestActor } from '../helpers/identities.ts';
import { pgliteScenarioDatabase, type ScenarioDatabase } from '../helpers/scenario-databases.ts';
import { attack } from './attack.ts';

const OPERATOR = 'broker operator / someone with database access';
const summaryTurtle =
  '<#day> <https://homedata.dev/ns#mean> "1.0"^^<http://www.w3.org/2001/XMLSchema#double>.\n';

describe('broker attacks', () => {
  const server = inject('podServer');
  const logger = createLogger('broker-attacks', 'silent');
  let database: ScenarioDatabase;
  let dir: string;
  let configPath: string;
  let brokerActor: TestActor;
  let residents: TestActor[];
  let broker: RunningBroker | undefined;
  let council: { id: string; name: string; apiKey: string };
  /** The audit log as the broker left it, put back after each attack on it. */
  let original: AuditRow[];

  /** Runs `homedata audit verify [--pods]`; returns its output and the error it ended with. */
  async function verify(pods: boolean): Promise<{ output: string; error: unknown }> {
    const lines: string[] = [];
    const error = await runAuditVerify({ config: configPath, pods }, (text) => lines.push(text)).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    return { output: lines.join(''), error };
  }

  /** Works on the stopped broker's database as its owner: past the append-only triggers. */
  async function asOwner(change: (db: Database) => Promise<void>): Promise<void> {
    const db = await openBrokerDatabase(database.target);
    try {
      await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await change(db);
      await db.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    } finally {
      await db.close();
    }
  }

  /** Puts the audit log back as the broker wrote it. */
  async function restore(): Promise<void> {
    await asOwner(async (db) => {
      await db.query('DELETE FROM audit_log');
      for (const row of original) {
        await db.query(
          'INSERT INTO audit_log (seq, at, request_id, run_id, resident_webid, resource, status, prev_hash, ' +
            'row_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
          [
            row.seq,
            row.at,
            row.request_id,
            row.run_id,
            row.resident_webid,
            row.resource,
            row.status,
            row.prev_hash,
            row.row_hash,
          ],
        );
      }
    });
  }

  beforeAll(async () => {
    [database, dir, brokerActor, ...residents] = await Promise.all([
      pgliteScenarioDatabase('homedata-broker-attacks-db-'),
      mkdtemp(join(tmpdir(), 'homedata-broker-attacks-')),
      createActor(server, 'broker'),
      createActor(server, 'home-a'),
      createActor(server, 'home-b'),
    ]);
    const config: BrokerConfigInput = {
      port: 0,
      issuer: server,
      webId: brokerActor.identity.webId,
      clientId: brokerActor.identity.clientId,
      clientSecret: brokerActor.identity.clientSecret,
      rateLimit: { windowMs: 60_000, max: 10_000 },
      auditKeyFile: join(dir, 'broker-audit.key'),
      ...database.config,
    };
    configPath = join(dir, 'broker.json');
    await writeFile(configPath, JSON.stringify(config));
    broker = await startBroker(config, { logger });
    council = await addCouncil(broker.db, 'Northbridge Borough Council');
    const created = await fetch(`${broker.url}api/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${council.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(validRequest()),
    });
    const requestId = ((await created.json()) as { id: string }).id;
    // Consents count only from enrolled homes; these attacks are on the audit log, so both homes are enrolled.
    await enrolTestHomes(
      broker.db,
      residents.map((resident) => ({ pod: resident.identity.pod })),
    );
    for (const resident of residents) {
      const layout = await setUpHomedataPod(
        resident.agent,
        resident.identity.pod,
        { area: TEST_AREA, dwellingType: 'Flat', timeZone: 'Europe/London', rooms: [] },
        [],
        TEST_GATEWAY_WEBID,
      );
      await writeTurtle(resident.agent.fetch, layout.summaryDocument('humidity', '2026-01'), summaryTurtle);
      // Registering the consent makes the broker read the record and the home profile: audited rows.
      await grantConsent(
        {
          session: resident.agent,
          broker: new BrokerClient(broker.url, resident.agent.fetch),
          pod: resident.identity.pod,
        },
        requestId,
      );
    }
  });

  afterAll(async () => {
    await broker?.stop();
    await Promise.all([brokerActor, ...(residents ?? [])].map((actor) => actor?.agent.logout()));
    await database?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const councilGet = (key: string) =>
    fetch(`${broker!.url}api/council/requests`, { headers: { authorization: `Bearer ${key}` } });

  attack(
    {
      id: 'L5',
      attacker: 'holder of a leaked council key',
      tried: 'calls the API with a council key the operator revoked',
      expected: '401 problem from the next request on; the council and its requests stay',
    },
    async () => {
      expect((await councilGet(council.apiKey)).status).toBe(200);
      await revokeCouncilKey(broker!.db, council.name);
      const refused = await councilGet(council.apiKey);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await broker!.db.query('SELECT count(*)::int AS n FROM requests')).toEqual([{ n: 1 }]);
    },
  );

  attack(
    {
      id: 'L5',
      attacker: 'holder of a leaked council key',
      tried: 'keeps using the old council key after the operator rotated it',
      expected: '401 problem for the old key; the new key works',
    },
    async () => {
      const rotated = await rotateCouncilKey(broker!.db, council.id);
      expect((await councilGet(council.apiKey)).status).toBe(401);
      expect((await councilGet(rotated.apiKey)).status).toBe(200);
      council = rotated;
    },
  );

  attack(
    {
      id: 'audit-key',
      attacker: OPERATOR,
      tried: 'edits an audit row and re-hashes it and every later row with SHA-256 (no audit key)',
      expected: '`homedata audit verify` fails naming the edited row',
    },
    async () => {
      await broker!.stop();
      broker = undefined;
      const db = await openBrokerDatabase(database.target);
      try {
        original = await db.query<AuditRow>('SELECT * FROM audit_log ORDER BY seq');
      } finally {
        await db.close();
      }
      expect(original.length).toBeGreaterThanOrEqual(4);
      expect((await verify(true)).error).toBeUndefined();

      const target = original[1]!.seq;
      await asOwner(async (db) => {
        let prevHash = original[0]!.row_hash;
        for (const row of original.slice(1)) {
          const entry: AuditEntry = {
            seq: row.seq,
            at: row.at.toISOString(),
            requestId: row.request_id,
            runId: row.run_id,
            residentWebId: row.resident_webid,
            resource: row.seq === target ? `${row.resource}?hidden` : row.resource,
            status: row.status,
          };
          const rowHash = auditRowHash(prevHash, entry);
          await db.query('UPDATE audit_log SET resource = $2, prev_hash = $3, row_hash = $4 WHERE seq = $1', [
            row.seq,
            entry.resource,
            prevHash,
            rowHash,
          ]);
          prevHash = rowHash;
        }
      });
      const { error } = await verify(false);
      expect(error).toBeInstanceOf(AuditChainBrokenError);
      expect(String(error)).toMatch(new RegExp(`row ${target}\\b.*edited`));
      await restore();
      expect((await verify(false)).error).toBeUndefined();
    },
  );

  attack(
    {
      id: 'audit-anchor',
      attacker: OPERATOR,
      tried: 'deletes the newest audit rows (the chain alone stays unbroken)',
      expected:
        '`homedata audit verify --pods` names the rows found in residents’ access logs but not in the database',
    },
    async () => {
      const newest = original.slice(-2).map((row) => row.seq);
      await asOwner(async (db) => {
        await db.query('DELETE FROM audit_log WHERE seq = ANY($1)', [newest]);
      });
      const chainOnly = await verify(false);
      expect(chainOnly.error).toBeUndefined();
      const { output, error } = await verify(true);
      expect(error).toBeInstanceOf(AuditPodMismatchError);
      for (const seq of newest) {
        expect(output).toMatch(new RegExp(`row ${seq} is in .*access-log/.*but not in the database`));
      }
      await restore();
      const agreed = await verify(true);
      expect(agreed.error).toBeUndefined();
      expect(agreed.output).toMatch(/Residents' access logs agree: \d+ rows found in 2 pods/);
    },
  );

  attack(
    {
      id: 'audit-anchor',
      attacker: OPERATOR,
      tried: 'deletes the newer half of the audit log',
      expected: '`homedata audit verify --pods` names every row the residents’ logs hold beyond the database',
    },
    async () => {
      const cut = original[Math.floor(original.length / 2)]!.seq;
      await asOwner(async (db) => {
        await db.query('DELETE FROM audit_log WHERE seq >= $1', [cut]);
      });
      const { output, error } = await verify(true);
      expect(error).toBeInstanceOf(AuditPodMismatchError);
      const named = [...output.matchAll(/row (\d+) is in .* but not in the database/g)].map((m) =>
        Number(m[1]),
      );
      const expected = original
        .filter((row) => row.seq >= cut && row.status >= 200 && row.status < 300)
        .map((row) => row.seq);
      expect(named.sort((a, b) => a - b)).toEqual(expected);
      await restore();
    },
  );
});
