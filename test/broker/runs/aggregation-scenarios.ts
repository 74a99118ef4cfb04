// The aggregation acceptance scenarios of issue 5, written once and run against PGlite and PostgreSQL.
import { checkIntegrity, normalize } from '../results/data-cube-integrity.ts';
import { Parser } from 'n3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import {
  addCouncil,
  openBrokerDatabase,
  startBroker,
  type BrokerAgent,
  type BrokerConfigInput,
  type NewCouncil,
  type RunningBroker,
} from '../../../src/broker/index.ts';
import type { ResultsDocument } from '../../../src/broker/contract.ts';
import { claimRun, createRun } from '../../../src/broker/runs/run-transactor.ts';
import type { RunView } from '../../../src/broker/contract.ts';
import {
  BrokerClient,
  grantConsent,
  revokeConsent,
  type ConsentContext,
} from '../../../src/consent/index.ts';
import { seededRandomSource } from '../../../src/privacy/index.ts';
import { loginWithClientCredentials } from '../../../src/pod/solid-session.ts';
import { TERMS } from '../../../src/vocab/index.ts';
import { createActor, type TestActor } from '../../helpers/identities.ts';
import type { ScenarioDatabase } from '../../helpers/scenario-databases.ts';
import { homeValueFromReadings, mean, type CheckedMetric } from './figures-from-readings.ts';
import { forEachBounded } from '../../../src/bounded-concurrency.ts';
import { seedHomes, type SeededHome } from './seed-homes.ts';
import { enrolTestHomes } from '../../helpers/enrol-homes.ts';

/** Area with 12 fixture homes (13 seeded: one revokes before the first run). */
const CENTRAL = 'E05018412';
/** Area with 5 fixture homes: always below k. */
const MARKET = 'E05017207';
const RUN_METRICS: CheckedMetric[] = ['temperature.mean', 'cold.below18.hours', 'damp.rh70.hours'];
const DP_METRIC: CheckedMetric = 'temperature.daytime.mean';

/** A response as the tests keep it: status, headers and the whole body. */
interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** A gate the broker's fetch waits at once a number of summary reads have gone through. */
function gatedFetch(inner: typeof fetch, passFirst: number) {
  let passed = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const fetchThroughGate: typeof fetch = async (input, init) => {
    if (String(input).includes('/summaries/') && ++passed > passFirst) await opened;
    return inner(input, init);
  };
  return { fetch: fetchThroughGate, open };
}

/** Runs issue 5's acceptance scenarios against one kind of database; `shared` when runs go through pg-boss. */
export function describeAggregationScenarios(
  kind: string,
  makeDatabase: () => Promise<ScenarioDatabase>,
  { shared }: { shared: boolean },
): void {
  describe(`aggregation runs (${kind})`, () => {
    const server = inject('podServer');
    const logLines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
    const bodies: string[] = [];
    const random = seededRandomSource(2026);
    let database: ScenarioDatabase;
    let brokerActor: TestActor;
    let config: BrokerConfigInput;
    let broker: RunningBroker;
    let council: NewCouncil;
    let otherCouncil: NewCouncil;
    let homes: SeededHome[];
    let dampRequest: string;
    let dpRequest: string;
    let firstResults: ResultsDocument;

    /** Calls the broker as a council (its key unless another is given) and keeps the body for the leak search. */
    const call = async (path: string, init: RequestInit = {}, key = council.apiKey): Promise<Answer> => {
      const response = await fetch(`${broker.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${key}`, ...init.headers },
      });
      const text = await response.text();
      bodies.push(text);
      return { status: response.status, headers: response.headers, text };
    };
    const startRun = (requestId: string, body?: unknown) =>
      call(
        `api/requests/${requestId}/runs`,
        body === undefined
          ? { method: 'POST' }
          : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      );
    const runOf = async (requestId: string, runId: string): Promise<RunView> =>
      JSON.parse((await call(`api/requests/${requestId}/runs/${runId}`)).text) as RunView;
    /** Polls a run until it is done or failed. */
    const finished = (requestId: string, runId: string): Promise<RunView> =>
      vi.waitFor(
        async () => {
          const view = await runOf(requestId, runId);
          expect(['done', 'failed'], `run ${runId} still ${view.state}`).toContain(view.state);
          return view;
        },
        { timeout: 60_000, interval: 100 },
      );
    /** Starts a run, expects 202, and waits for it to end. */
    const run = async (requestId: string, body?: unknown): Promise<RunView> => {
      const answer = await startRun(requestId, body);
      expect(answer.status, answer.text).toBe(202);
      return finished(requestId, (JSON.parse(answer.text) as RunView).id);
    };
    const results = async (requestId: string, runId?: string): Promise<ResultsDocument> => {
      const answer = await call(`api/requests/${requestId}/results${runId ? `?run=${runId}` : ''}`);
      expect(answer.status, answer.text).toBe(200);
      return JSON.parse(answer.text) as ResultsDocument;
    };
    const contextOf = (home: SeededHome): ConsentContext => ({
      session: home.agent,
      broker: new BrokerClient(broker.url, home.agent.fetch),
      pod: home.identity.pod,
    });
    const home = (id: string) => homes.find((candidate) => candidate.fixture.id === id)!;
    const centralHomes = () => homes.filter((candidate) => candidate.area === CENTRAL);
    const request = async (body: Record<string, unknown>) => {
      const answer = await call('api/requests', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          title: 'Cold and damp homes',
          purpose: 'https://w3id.org/dpv#ImprovePublicServices',
          description: 'Where to target insulation and ventilation grants.',
          period: { from: '2026-01-01', to: '2026-01-31' },
          granularity: 'month',
          minCohort: 10,
          consentUntil: '2036-12-31',
          ...body,
        }),
      });
      expect(answer.status, answer.text).toBe(201);
      return (JSON.parse(answer.text) as { id: string }).id;
    };
    /** Each home's January value from its raw readings, for the homes given. */
    const expectedCell = (metric: CheckedMetric, cohort: readonly SeededHome[]) => {
      const values = cohort
        .map((member) => homeValueFromReadings(metric, member.readings))
        .filter((value): value is number => value !== null);
      return { count: values.length, mean: mean(values) };
    };

    beforeAll(async () => {
      [database, brokerActor] = await Promise.all([makeDatabase(), createActor(server, 'broker')]);
      config = {
        port: 0,
        issuer: server,
        webId: brokerActor.identity.webId,
        clientId: brokerActor.identity.clientId,
        clientSecret: brokerActor.identity.clientSecret,
        rateLimit: { windowMs: 60_000, max: 100_000 },
        ...database.config,
      };
      broker = await startBroker(config, { logger, random });
      council = await addCouncil(broker.db, 'Northbridge Borough Council');
      otherCouncil = await addCouncil(broker.db, 'Eastvale District Council');
      dampRequest = await request({ metrics: RUN_METRICS, areas: [CENTRAL, MARKET] });
      dpRequest = await request({
        title: 'Daytime warmth',
        metrics: [DP_METRIC],
        areas: [CENTRAL],
        dp: { epsilon: 8 },
      });
      const central = Array.from({ length: 12 }, (_, index) => ({
        homeId: `home-${String(index + 1).padStart(2, '0')}`,
      }));
      const market = ['home-20', 'home-21', 'home-22', 'home-23', 'home-24'].map((homeId) => ({ homeId }));
      // A 13th home in the central area, from the riverside ward's fixtures: it revokes before the first run.
      homes = await seedHomes(server, [...central, { homeId: 'home-13', area: CENTRAL }, ...market], {
        properties: ['temperature', 'humidity'],
      });
      await enrolTestHomes(
        broker.db,
        homes.map((seeded) => ({ pod: seeded.identity.pod })),
      );
      await forEachBounded(homes, 4, async (seeded) => {
        await grantConsent(contextOf(seeded), dampRequest);
        if (seeded.area === CENTRAL && seeded.fixture.id !== 'home-13')
          await grantConsent(contextOf(seeded), dpRequest);
      });
    }, 900_000);

    afterAll(async () => {
      await broker?.stop();
      await Promise.all([brokerActor, ...(homes ?? [])].map((actor) => actor?.agent.logout()));
      await database?.dispose();
    });

    it('releases the 12-home area with figures equal to an independent computation from raw readings, and suppresses the 5-home area without a count; a home that revoked before the run is neither read nor counted', async () => {
      const revoked = home('home-13');
      await revokeConsent(contextOf(revoked), dampRequest);

      const answer = await startRun(dampRequest);
      expect(answer.status, answer.text).toBe(202);
      const started = JSON.parse(answer.text) as RunView;
      expect(answer.headers.get('location')).toBe(
        `${broker.url}api/requests/${dampRequest}/runs/${started.id}`,
      );
      expect(['queued', 'running']).toContain(started.state);
      const view = await finished(dampRequest, started.id);
      expect(view).toMatchObject({ state: 'done', progress: 100, problem: null });

      firstResults = await results(dampRequest);
      expect(firstResults).toMatchObject({
        request: dampRequest,
        run: started.id,
        k: 10,
        epsilon: null,
        homes: 15,
      });
      expect(firstResults.cells).toHaveLength(RUN_METRICS.length * 2);
      const counted = centralHomes().filter((member) => member !== revoked);
      for (const metric of RUN_METRICS) {
        const expected = expectedCell(metric, counted);
        expect(expected.count).toBe(12);
        const cell = firstResults.cells.find(
          (candidate) => candidate.area === CENTRAL && candidate.metric === metric,
        );
        expect(cell).toMatchObject({ period: '2026-01', homes: 10, suppressed: false });
        expect(Math.abs(cell!.mean! - expected.mean), metric).toBeLessThanOrEqual(0.005 + 1e-9);
        // No median without DP: the middle value of a cohort is one home's value.
        expect(cell!.median, metric).toBeNull();
        expect(
          firstResults.cells.find((candidate) => candidate.area === MARKET && candidate.metric === metric),
        ).toEqual({
          area: MARKET,
          period: '2026-01',
          metric,
          homes: null,
          mean: null,
          median: null,
          suppressed: true,
          // The fixture homes are all measured well enough: none left out (0 is released, unlike 1 … k−1).
          leftOut: { lowCoverage: 0, sensorFault: 0 },
        });
      }

      const read = await broker.db.query<{ resident_webid: string }>(
        'SELECT DISTINCT resident_webid FROM audit_log WHERE run_id = $1',
        [started.id],
      );
      const expectedReaders = homes
        .filter((member) => member !== revoked)
        .map((member) => member.identity.webId);
      expect(read.map((row) => row.resident_webid).sort()).toEqual(expectedReaders.sort());
      const revokedReads = await broker.db.query(
        'SELECT seq FROM audit_log WHERE resident_webid = $1 AND run_id IS NOT NULL',
        [revoked.identity.webId],
      );
      expect(revokedReads).toEqual([]);
    });

    it('serves the results as CSV, and as an RDF Data Cube with PROV-O provenance in Turtle and JSON-LD', async () => {
      const csv = await call(`api/requests/${dampRequest}/results`, { headers: { accept: 'text/csv' } });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = csv.text.trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'area,period,metric,homes,mean,median,suppressed,left_out_low_coverage,left_out_sensor_fault',
      );
      expect(lines).toHaveLength(1 + firstResults.cells.length);
      expect(lines).toContain(`${MARKET},2026-01,temperature.mean,,,,true,0,0`);
      const central = firstResults.cells.find(
        (cell) => cell.area === CENTRAL && cell.metric === 'temperature.mean',
      )!;
      expect(lines).toContain(
        `${CENTRAL},2026-01,temperature.mean,10,${central.mean},,false,` +
          `${central.leftOut.lowCoverage ?? ''},${central.leftOut.sensorFault ?? ''}`,
      );

      const turtle = await call(`api/requests/${dampRequest}/results`, {
        headers: { accept: 'text/turtle' },
      });
      expect(turtle.status).toBe(200);
      expect(turtle.headers.get('content-type')).toMatch(/^text\/turtle/);
      const base = turtle.headers.get('content-location')!;
      const quads = new Parser({ baseIRI: base }).parse(turtle.text);
      const subjectsOf = (type: { value: string }) =>
        quads.filter((quad) => quad.predicate.equals(TERMS.rdf.type) && quad.object.value === type.value);
      expect(subjectsOf(TERMS.qb.DataSet)).toHaveLength(1);
      expect(subjectsOf(TERMS.qb.DataStructureDefinition)).toHaveLength(1);
      // Suppressed cells stand beside the data set (hd:SuppressedCell), so that the cube passes IC-14.
      expect(subjectsOf(TERMS.qb.Observation)).toHaveLength(
        firstResults.cells.filter((cell) => !cell.suppressed).length,
      );
      expect(subjectsOf(TERMS.hd.SuppressedCell)).toHaveLength(
        firstResults.cells.filter((cell) => cell.suppressed).length,
      );
      expect(checkIntegrity(normalize(quads))).toEqual([]);
      const dimensions = quads
        .filter((quad) => quad.predicate.equals(TERMS.qb.dimension))
        .map((quad) => quad.object.value);
      expect(dimensions.sort()).toEqual(
        [
          TERMS.sdmxDimension.refArea.value,
          TERMS.sdmxDimension.refPeriod.value,
          TERMS.hd.metric.value,
        ].sort(),
      );
      const measures = quads
        .filter((quad) => quad.predicate.equals(TERMS.qb.measure))
        .map((quad) => quad.object.value);
      // No median is released without DP, so the structure has no median measure (IC-14).
      expect(measures.sort()).toEqual([TERMS.hd.cohortSize.value, TERMS.hd.cohortMean.value].sort());
      // Left-out counts are withheld cell by cell below k: optional attributes, not measures.
      const attributes = quads
        .filter((quad) => quad.predicate.equals(TERMS.qb.attribute))
        .map((quad) => quad.object.value);
      expect(attributes.sort()).toEqual(
        [
          TERMS.hd.suppressed.value,
          TERMS.hd.homesLeftOutLowCoverage.value,
          TERMS.hd.homesLeftOutSensorFault.value,
        ].sort(),
      );
      const value = (predicate: { value: string }) =>
        quads.find((quad) => quad.predicate.value === predicate.value)?.object.value;
      expect(value(TERMS.prov.used)).toBe(`${broker.url}api/requests/${dampRequest}`);
      expect(value(TERMS.hd.minCohort)).toBe('10');
      expect(value(TERMS.hd.homesCounted)).toBe('15');
      expect(value(TERMS.prov.endedAtTime)).toBe(firstResults.runAt);
      expect(quads.filter((quad) => quad.predicate.equals(TERMS.hd.cohortMean))).toHaveLength(
        RUN_METRICS.length,
      );

      const jsonLd = await call(`api/requests/${dampRequest}/results`, {
        headers: { accept: 'application/ld+json' },
      });
      expect(jsonLd.status).toBe(200);
      expect(jsonLd.headers.get('content-type')).toMatch(/^application\/ld\+json/);
      const document = JSON.parse(jsonLd.text) as { '@context': object; '@graph': object[] };
      expect(document['@context']).toBeDefined();
      expect(jsonLd.text).toContain('cohortMean');

      const refused = await call(`api/requests/${dampRequest}/results`, { headers: { accept: 'image/png' } });
      expect(refused.status).toBe(406);
    });

    it('answers bad run requests with problem details', async () => {
      const problem = (answer: Answer, status: number) => {
        expect(answer.status, answer.text).toBe(status);
        expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        return JSON.parse(answer.text) as { type: string; errors?: { field: string }[] };
      };
      // The split is the request's, fixed when it was made: a run cannot ask for another one.
      expect(problem(await startRun(dampRequest, { byDwellingType: true }), 422).errors).toEqual([
        expect.objectContaining({
          field: 'byDwellingType',
          message: expect.stringContaining('fixed on the request'),
        }),
      ]);
      expect(problem(await startRun(dampRequest, { epsilon: 1 }), 422).errors).toEqual([
        expect.objectContaining({ field: 'epsilon' }),
      ]);
      problem(await startRun(dampRequest, { residents: true }), 422);
      problem(await call(`api/requests/${dampRequest}/runs`, { method: 'POST', body: 'go' }), 415);
      problem(await call(`api/requests/${dampRequest}/runs`, { method: 'POST' }, otherCouncil.apiKey), 403);
      problem(await call(`api/requests/${dampRequest}/results`, {}, otherCouncil.apiKey), 403);
      problem(await call(`api/requests/${dampRequest}/runs`, { method: 'POST' }, 'hdk_nope'), 401);
      problem(await call(`api/requests/${dampRequest}/runs/${crypto.randomUUID()}`), 404);
      problem(await call(`api/requests/${dampRequest}/results?run=nope`), 422);
      problem(await call(`api/requests/${crypto.randomUUID()}/results`), 404);
      const runs = JSON.parse((await call(`api/requests/${dampRequest}/runs`)).text) as { runs: RunView[] };
      expect(runs.runs).toHaveLength(1);
    });

    it('finishes a run cut off by a broker restart, after a clean stop and after a crash, with the same figures', async () => {
      await broker.stop();
      const brokerAgent = await loginWithClientCredentials(brokerActor.identity);
      const gate = gatedFetch(brokerAgent.fetch, 5);
      const agent: BrokerAgent = { webId: brokerAgent.webId, fetch: gate.fetch };
      broker = await startBroker(config, { logger, random, agent });
      const answer = await startRun(dampRequest);
      const runId = (JSON.parse(answer.text) as RunView).id;
      await expect
        .poll(async () => (await runOf(dampRequest, runId)).state, { timeout: 30_000, interval: 50 })
        .toBe('running');
      const stopping = broker.stop();
      gate.open();
      await stopping;
      await brokerAgent.logout();

      broker = await startBroker(config, { logger, random });
      const view = await finished(dampRequest, runId);
      expect(view.state).toBe('done');
      const resumed = await results(dampRequest, runId);
      expect(resumed.cells).toEqual(firstResults.cells);
      await broker.stop();

      // A crash leaves the run marked running with a heartbeat that stopped long ago.
      const db = await openBrokerDatabase(database.target);
      const longAgo = new Date(Date.now() - 60 * 60 * 1000);
      const crashed = await createRun(db, { requestId: dampRequest, epsilon: null }, longAgo);
      await claimRun(db, crashed, longAgo);
      await db.close();
      broker = await startBroker(config, { logger, random });
      expect(await finished(dampRequest, crashed)).toMatchObject({ state: 'done' });
      expect((await results(dampRequest, crashed)).cells).toEqual(firstResults.cells);
      const attempts = await broker.db.query<{ id: string; attempts: number }>(
        'SELECT id, attempts FROM runs WHERE id = ANY($1)',
        [[runId, crashed]],
      );
      const attemptsOf = new Map(attempts.map((row) => [row.id, row.attempts]));
      // Cut off in one process, a run is read again from the start; shared, it resumes with the shards left.
      expect(attemptsOf.get(runId)).toBe(shared ? 1 : 2);
      expect(attemptsOf.get(crashed)).toBe(2);
    });

    // Only PostgreSQL has pg-boss to share a run: the embedded database runs it in one process, so no such test.
    if (shared)
      it('shares one run between two broker processes through pg-boss, with the same figures', async () => {
        await broker.stop();
        const sharded = { ...config, limits: { runShardSize: 3 } };
        broker = await startBroker(sharded, { logger, random });
        const second = await startBroker(sharded, { logger, random });
        try {
          const view = await run(dampRequest);
          expect(view.state).toBe('done');
          expect((await results(dampRequest, view.id)).cells).toEqual(firstResults.cells);
          const [row] = await broker.db.query<{ workers: string[] }>(
            'SELECT workers FROM runs WHERE id = $1',
            [view.id],
          );
          expect(row!.workers).toHaveLength(2);
          const left = await broker.db.query('SELECT * FROM run_values WHERE run_id = $1', [view.id]);
          expect(left).toEqual([]);
        } finally {
          await second.stop();
        }
      });

    it('adds fresh DP noise to each run: values differ, their mean converges, and the budget runs out', async () => {
      const truth = expectedCell(
        DP_METRIC,
        centralHomes().filter((member) => member.fixture.id !== 'home-13'),
      ).mean;
      const means: number[] = [];
      for (let index = 0; index < 8; index++) {
        const view = await run(dpRequest, { epsilon: 1 });
        expect(view).toMatchObject({ state: 'done', epsilon: 1 });
        const released = await results(dpRequest, view.id);
        expect(released).toMatchObject({ epsilon: 1, homes: null });
        const [cell] = released.cells;
        expect(cell!.median).toBeNull();
        if (!cell!.suppressed) {
          expect(cell!.homes! % 5).toBe(0);
          means.push(cell!.mean!);
        }
      }
      expect(means.length).toBeGreaterThanOrEqual(5);
      expect(new Set(means).size).toBeGreaterThan(1);
      expect(Math.abs(mean(means) - truth)).toBeLessThan(4);

      const spent = await startRun(dpRequest, { epsilon: 0.5 });
      expect(spent.status).toBe(409);
      expect(JSON.parse(spent.text)).toMatchObject({ type: 'https://homedata.dev/problems/dp-budget-spent' });
    });

    it('withholds the cells of a re-run after one home in them revoked, naming the rule and the earlier release', async () => {
      const before = await results(dampRequest);
      await revokeConsent(contextOf(home('home-12')), dampRequest);
      const view = await run(dampRequest);
      // Secondary suppression withholds the cells, not the run: it finishes, and says why without a count.
      expect(view).toMatchObject({ state: 'done', problem: null });
      const after = await results(dampRequest, view.id);
      const central = after.cells.filter((cell) => cell.area === CENTRAL);
      expect(central).toHaveLength(RUN_METRICS.length);
      for (const cell of central) {
        expect(cell).toMatchObject({
          homes: null,
          mean: null,
          suppressed: true,
          withheld: { rule: 'differencing', request: dampRequest, run: firstResults.run },
        });
      }
      // What was released before stays available.
      expect((await results(dampRequest, before.run)).cells).toEqual(before.cells);
      const stored = await broker.db.query('SELECT id FROM releases WHERE run_id = $1', [view.id]);
      expect(stored).toEqual([]);
    });

    it('shows no WebID, pod URL or per-home value in any response body or log line', () => {
      expect(bodies.length).toBeGreaterThan(20);
      expect(logLines.length).toBeGreaterThan(20);
      const needles: string[] = [];
      for (const member of homes) {
        needles.push(member.identity.webId, member.identity.pod, new URL(member.identity.pod).pathname);
        for (const metric of [...RUN_METRICS, DP_METRIC]) {
          const value = homeValueFromReadings(metric, member.readings);
          // Whole hour counts also appear as ordinary numbers; fractional home values are unmistakable.
          if (value !== null && !Number.isInteger(value)) needles.push(String(value), value.toFixed(4));
        }
      }
      const texts = [...bodies, ...logLines];
      for (const needle of needles) {
        const found = texts.find((text) => text.includes(needle));
        expect(found, `"${needle}" leaked`).toBeUndefined();
      }
    });
  });
}
