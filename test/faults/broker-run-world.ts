// The broker faults' world: fixture homes on a pod server process that answers summaries slowly, the broker in its own process, a council's request they all consent to.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, vi } from 'vitest';
import {
  addCouncil,
  checkAuditAgainstPods,
  openBrokerDatabase,
  type BrokerConfigInput,
  type Database,
  type NewCouncil,
} from '../../src/broker/index.ts';
import type { ResultsDocument, RunView } from '../../src/broker/contract.ts';
import { BrokerClient, grantConsent } from '../../src/consent/index.ts';
import { findFreePort } from '../../src/free-port.ts';
import { forEachBounded } from '../../src/bounded-concurrency.ts';
import { homeValueFromReadings, mean, type CheckedMetric } from '../broker/runs/figures-from-readings.ts';
import { seedHomes, type SeededHome } from '../broker/runs/seed-homes.ts';
import { enrolTestHomes } from '../helpers/enrol-homes.ts';
import { createActor, type TestActor } from '../helpers/identities.ts';
import type { ScenarioDatabase } from '../helpers/scenario-databases.ts';
import {
  exited,
  startBrokerProcess,
  startSlowPodServerProcess,
  type PodServerProcess,
  type ServerProcess,
} from './fault-processes.ts';

/** The fixture homes of one ward (E05018412): ten, the least a cell is released over (k = 10). */
const HOMES = Array.from({ length: 10 }, (_, index) => ({
  homeId: `home-${String(index + 1).padStart(2, '0')}`,
}));
const AREA = 'E05018412';
const METRICS: CheckedMetric[] = ['temperature.mean', 'cold.below18.hours'];

/**
 * How late the pod server answers each summaries GET (one document per home: January's temperatures): a home then
 * takes about this long to read, and the broker
 * reads 8 at once, so ten homes take two such rounds. The first round's homes are read well before the second's:
 * the window in which a run has read some homes but not all.
 */
export const SLOW_SUMMARIES_MS = 2_000;

/** Where the world's figures come from after a disturbed run. */
export interface RunAccounting {
  /** Homes with a read audited before the fault, and after the broker (or database) came back. */
  homesReadBefore: number;
  homesReadAfter: number;
  /** Audited reads of this run missing from the resident's access log, before and after the fault. */
  unrecordedBefore: number;
  unrecordedAfter: number;
  /** Audit rows that differ from the pod's copy, or pod copies without a row. */
  otherFindings: number;
  /** Cells this run released more than once. */
  duplicateReleases: number;
  /** How often the run was started (1 + restarts). */
  attempts: number;
}

/** The fault suite's broker world. */
export interface BrokerRunWorld {
  readonly broker: ServerProcess;
  readonly database: ScenarioDatabase;
  readonly requestId: string;
  /** Starts the broker process on the world's config and database (again after a kill). */
  startBroker(): Promise<ServerProcess>;
  /** Stops the broker process with SIGTERM and waits until it is gone. */
  stopBroker(): Promise<void>;
  /** Starts a run of the world's request; its id. */
  startRun(): Promise<string>;
  view(runId: string): Promise<RunView>;
  /** Waits until the run is done or failed. */
  finished(runId: string, timeoutMs: number): Promise<RunView>;
  /** The cells a run released. */
  cells(runId: string): Promise<ResultsDocument['cells']>;
  /** Each released cell's mean checked against the figures computed straight from the homes' raw readings. */
  expectFiguresFromReadings(cells: ResultsDocument['cells']): void;
  /** Counts a run's reads, access records and releases around a fault at `faultAt`, back at `backAt`. */
  account(db: Database, runId: string, faultAt: Date, backAt: Date): Promise<RunAccounting>;
  stop(): Promise<void>;
}

/** Seeds the homes, adds a council, enrols the homes, starts the broker and has every resident consent. */
export async function createBrokerRunWorld(
  makeDatabase: () => Promise<ScenarioDatabase>,
  limits: BrokerConfigInput['limits'] = {},
): Promise<BrokerRunWorld> {
  const folder = await mkdtemp(join(tmpdir(), 'homedata-broker-fault-'));
  const podServer: PodServerProcess = await startSlowPodServerProcess(
    join(folder, 'pods'),
    await findFreePort(),
    SLOW_SUMMARIES_MS,
  );
  const database = await makeDatabase();
  const brokerActor: TestActor = await createActor(podServer.url, 'broker');
  const homes: SeededHome[] = await seedHomes(podServer.url, HOMES, { properties: ['temperature'] });
  // Computed before any broker call: it takes the test process seconds on a loaded machine, and a connection to the
  // broker left idle that long is closed under the next request by the broker's 5 s keep-alive timeout.
  const expectedMeans = new Map(
    METRICS.map((metric) => [
      metric,
      mean(
        homes
          .map((home) => homeValueFromReadings(metric, home.readings))
          .filter((value): value is number => value !== null),
      ),
    ]),
  );
  let council: NewCouncil;
  // PGlite allows one process per folder: the council and the register are written before the broker starts.
  const setup = await openBrokerDatabase(database.target);
  try {
    council = await addCouncil(setup, 'Northbridge Borough Council');
    await enrolTestHomes(
      setup,
      homes.map((home) => ({ pod: home.identity.pod })),
    );
  } finally {
    await setup.close();
  }
  const configFile = join(folder, 'broker.json');
  const config: BrokerConfigInput = {
    port: await findFreePort(),
    issuer: podServer.url,
    webId: brokerActor.identity.webId,
    clientId: brokerActor.identity.clientId,
    clientSecret: brokerActor.identity.clientSecret,
    auditKeyFile: join(folder, 'audit.key'),
    rateLimit: { windowMs: 60_000, max: 100_000 },
    limits,
    ...database.config,
  };
  await writeFile(configFile, JSON.stringify(config));

  let broker = await startBrokerProcess(configFile);
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${broker.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${council.apiKey}`, ...init.headers },
    });
    const text = await response.text();
    return { status: response.status, text };
  };
  const filed = await call('api/requests', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      title: 'Cold and damp homes',
      purpose: 'https://w3id.org/dpv#ImprovePublicServices',
      description: 'Where to target insulation and ventilation grants.',
      metrics: METRICS,
      areas: [AREA],
      period: { from: '2026-01-01', to: '2026-01-31' },
      granularity: 'month',
      minCohort: 10,
      consentUntil: '2036-12-31',
    }),
  });
  expect(filed.status, filed.text).toBe(201);
  const requestId = (JSON.parse(filed.text) as { id: string }).id;
  await forEachBounded(homes, 4, async (home) => {
    await grantConsent(
      {
        session: home.agent,
        broker: new BrokerClient(broker.url, home.agent.fetch),
        pod: home.identity.pod,
      },
      requestId,
    );
  });

  const view = async (runId: string) => {
    const answer = await call(`api/requests/${requestId}/runs/${runId}`);
    expect(answer.status, answer.text).toBe(200);
    return JSON.parse(answer.text) as RunView;
  };

  return {
    get broker() {
      return broker;
    },
    database,
    requestId,
    async startBroker() {
      broker = await startBrokerProcess(configFile);
      return broker;
    },
    async stopBroker() {
      broker.child.kill('SIGTERM');
      await exited(broker.child);
    },
    async startRun() {
      const answer = await call(`api/requests/${requestId}/runs`, { method: 'POST' });
      expect(answer.status, answer.text).toBe(202);
      return (JSON.parse(answer.text) as RunView).id;
    },
    view,
    finished: (runId, timeoutMs) =>
      vi.waitFor(
        async () => {
          const current = await view(runId);
          expect(['done', 'failed'], `run ${runId} still ${current.state}`).toContain(current.state);
          return current;
        },
        { timeout: timeoutMs, interval: 200 },
      ),
    async cells(runId) {
      const answer = await call(`api/requests/${requestId}/results?run=${runId}`);
      expect(answer.status, answer.text).toBe(200);
      return (JSON.parse(answer.text) as ResultsDocument).cells;
    },
    expectFiguresFromReadings(cells) {
      for (const [metric, expected] of expectedMeans) {
        const cell = cells.find((candidate) => candidate.area === AREA && candidate.metric === metric);
        expect(cell, metric).toMatchObject({ homes: 10, suppressed: false });
        expect(Math.abs(cell!.mean! - expected), metric).toBeLessThanOrEqual(0.005 + 1e-9);
      }
    },
    async account(db, runId, faultAt, backAt) {
      const homesBetween = async (from: Date, to: Date) => {
        const rows = await db.query<{ homes: number }>(
          'SELECT count(DISTINCT resident_webid)::int AS homes FROM audit_log ' +
            'WHERE run_id = $1 AND at >= $2 AND at < $3 AND status >= 200 AND status < 300',
          [runId, from, to],
        );
        return rows[0]!.homes;
      };
      const { findings } = await checkAuditAgainstPods(db, {
        fetch: brokerActor.agent.fetch,
        brokerWebId: brokerActor.identity.webId,
        now: new Date(),
      });
      const rows = await db.query<{ seq: number; at: Date }>(
        'SELECT seq, at FROM audit_log WHERE run_id = $1',
        [runId],
      );
      const atOf = new Map(rows.map((row) => [Number(row.seq), new Date(row.at)]));
      const unrecorded = findings.filter(
        (finding) => finding.kind === 'missing-in-pod' && atOf.has(finding.seq ?? -1),
      );
      const releases = await db.query<{ cell: string; copies: number }>(
        'SELECT cell, count(*)::int AS copies FROM releases WHERE run_id = $1 GROUP BY cell',
        [runId],
      );
      const [run] = await db.query<{ attempts: number }>('SELECT attempts FROM runs WHERE id = $1', [runId]);
      return {
        homesReadBefore: await homesBetween(new Date(0), faultAt),
        homesReadAfter: await homesBetween(backAt, new Date(Date.now() + 60_000)),
        unrecordedBefore: unrecorded.filter((finding) => atOf.get(finding.seq!)! < faultAt).length,
        unrecordedAfter: unrecorded.filter((finding) => atOf.get(finding.seq!)! >= faultAt).length,
        otherFindings: findings.filter((finding) => finding.kind !== 'missing-in-pod').length,
        duplicateReleases: releases.reduce((sum, release) => sum + release.copies - 1, 0),
        attempts: run!.attempts,
      };
    },
    async stop() {
      for (const child of [broker.child, podServer.child]) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited(child);
      }
      await Promise.all([brokerActor, ...homes].map((actor) => actor.agent.logout()));
      await database.dispose();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
