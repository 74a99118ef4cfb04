// The home register on an in-memory database: enrolment rules, removal, the check before a consent, one pod per consent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CohortTable } from '../../../src/broker/aggregation/cohorts.ts';
import { planRun } from '../../../src/broker/aggregation/run-plan.ts';
import { countActiveConsents, listActiveConsents } from '../../../src/broker/consents/consent-reader.ts';
import { recordGivenConsent, withdrawConsent } from '../../../src/broker/consents/consent-transactor.ts';
import { addCouncil } from '../../../src/broker/councils/council-transactor.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import {
  enrolledPod,
  HomeNotEnrolledError,
  NotHomeResidentError,
} from '../../../src/broker/homes/enrolled-home-check.ts';
import { listEnrolledHomes } from '../../../src/broker/homes/home-register-reader.ts';
import { enrolHome, removeHome } from '../../../src/broker/homes/home-register-transactor.ts';
import { problemFor } from '../../../src/http-problem.ts';
import { createRequest } from '../../../src/broker/requests/request-transactor.ts';
import { ConflictError, exitCodeFor, NotFoundError, ValidationError } from '../../../src/errors.ts';
import { openMemoryDatabase } from '../../helpers/memory-database.ts';

const AREA = 'E05018412';
const GATEWAY = 'https://gateway.example/profile/card#me';
const podOf = (name: string) => `https://pods.example/${name}/`;
const webIdOf = (name: string) => `https://pods.example/${name}/profile/card#me`;

describe('home register', () => {
  let db: Database;
  let requestId: string;

  /** A verified consent row as registerConsent would write it. */
  const consent = (webId: string, pod: string) => ({
    request_id: requestId,
    resident_webid: webId,
    pod,
    record_iri: `${pod}homedata/consents/${requestId}.ttl#consent`,
    area: AREA,
    dwelling_type: 'Flat',
    given_at: new Date(),
    expires_at: new Date('2036-12-31T00:00:00Z'),
  });

  beforeAll(async () => {
    db = await openMemoryDatabase();
    const councilId = (await addCouncil(db, 'Northbridge Borough Council')).id;
    requestId = await createRequest(
      db,
      councilId,
      {
        title: 'Damp homes',
        purpose: 'https://w3id.org/dpv#ImprovePublicServices',
        description: 'Test',
        metrics: ['temperature.mean'] as never,
        areas: [AREA],
        period: { from: '2026-01-01', to: '2026-01-31' },
        granularity: 'month',
        split: 'none',
        minCohort: 10,
        consentUntil: '2036-12-31',
      },
      new Date(),
    );
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  it('enrols a home under its id with its pod in one spelling, and lists it', async () => {
    const home = await enrolHome(db, {
      homeId: '100023336956',
      pod: 'HTTPS://Pods.Example:443/uprn-a/',
      gatewayWebId: GATEWAY,
    });
    expect(home).toMatchObject({
      home_id: '100023336956',
      pod: podOf('uprn-a'),
      gateway_webid: GATEWAY,
      resident_webid: null,
    });
    expect((await listEnrolledHomes(db)).map((row) => row.home_id)).toContain('100023336956');
  });

  it('refuses a bad home id, a pod that is no container URL, characters outside IRIREF, an area that is no GSS code', async () => {
    const bad = [
      { homeId: '', pod: podOf('x1'), gatewayWebId: GATEWAY },
      { homeId: '-starts-with-dash', pod: podOf('x1'), gatewayWebId: GATEWAY },
      { homeId: 'has space', pod: podOf('x1'), gatewayWebId: GATEWAY },
      { homeId: 'a'.repeat(65), pod: podOf('x1'), gatewayWebId: GATEWAY },
      { homeId: 'x1', pod: 'https://pods.example/x1', gatewayWebId: GATEWAY },
      { homeId: 'x1', pod: 'https://pods.example/x1/?q=1', gatewayWebId: GATEWAY },
      { homeId: 'x1', pod: 'ftp://pods.example/x1/', gatewayWebId: GATEWAY },
      { homeId: 'x1', pod: 'https://pods.example/x|1/', gatewayWebId: GATEWAY },
      { homeId: 'x1', pod: podOf('x1'), gatewayWebId: 'not a url' },
      { homeId: 'x1', pod: podOf('x1'), gatewayWebId: GATEWAY, residentWebId: 'mailto:a@b.example' },
      { homeId: 'x1', pod: podOf('x1'), gatewayWebId: GATEWAY, area: 'Northbridge' },
    ];
    for (const input of bad) {
      const error = await enrolHome(db, input).catch((thrown: unknown) => thrown);
      expect(error, JSON.stringify(input)).toBeInstanceOf(ValidationError);
      expect(exitCodeFor(error)).toBe(2);
    }
    expect((await listEnrolledHomes(db)).map((row) => row.home_id)).not.toContain('x1');
  });

  it('keeps one home per id and one home per pod', async () => {
    await enrolHome(db, { homeId: 'uprn-b', pod: podOf('uprn-b'), gatewayWebId: GATEWAY });
    await expect(
      enrolHome(db, { homeId: 'uprn-b', pod: podOf('other'), gatewayWebId: GATEWAY }),
    ).rejects.toMatchObject({ problem: 'home-exists', status: 409 });
    // The same pod in another spelling is the same pod.
    const again = await enrolHome(db, {
      homeId: 'uprn-b2',
      pod: 'https://PODS.example/uprn-b/',
      gatewayWebId: GATEWAY,
    }).catch((thrown: unknown) => thrown);
    expect(again).toBeInstanceOf(ConflictError);
    expect(again).toMatchObject({ problem: 'pod-already-enrolled' });
    expect((again as Error).message).toMatch(/uprn-b/);
    expect(exitCodeFor(again)).toBe(5);
  });

  it('refuses a consent from a pod that is not enrolled, by a problem naming the rule', async () => {
    const error = await enrolledPod(db, podOf('never-enrolled'), webIdOf('mallory'), requestId).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(HomeNotEnrolledError);
    expect(problemFor(error)).toMatchObject({
      type: 'https://homedata.dev/problems/home-not-enrolled',
      status: 403,
      detail: expect.stringContaining('`homedata home enrol`'),
    });
    await expect(enrolledPod(db, 'not a url', webIdOf('mallory'))).rejects.toBeInstanceOf(
      HomeNotEnrolledError,
    );
    // An enrolled pod in another spelling is found and handed back in the register's spelling.
    expect(await enrolledPod(db, 'https://pods.example:443/uprn-a/', webIdOf('anyone'))).toBe(
      podOf('uprn-a'),
    );
  });

  it('lets only the recorded resident consent for a home enrolled with one', async () => {
    await enrolHome(db, {
      homeId: 'uprn-c',
      pod: podOf('uprn-c'),
      gatewayWebId: GATEWAY,
      residentWebId: webIdOf('carol'),
    });
    expect(await enrolledPod(db, podOf('uprn-c'), webIdOf('carol'))).toBe(podOf('uprn-c'));
    await expect(enrolledPod(db, podOf('uprn-c'), webIdOf('mallory'))).rejects.toBeInstanceOf(
      NotHomeResidentError,
    );
    // Even a consent row written past the check does not count for another WebID.
    await recordGivenConsent(db, consent(webIdOf('mallory'), podOf('uprn-c')));
    expect(
      (await listActiveConsents(db, requestId, new Date())).map((row) => row.resident_webid),
    ).not.toContain(webIdOf('mallory'));
    await withdrawConsent(db, requestId, webIdOf('mallory'), new Date());
  });

  it('renews a consent for the same pod, refuses one that moves it to another pod, allows it after a withdrawal', async () => {
    await recordGivenConsent(db, consent(webIdOf('alice'), podOf('uprn-a')));
    await recordGivenConsent(db, consent(webIdOf('alice'), podOf('uprn-a')));
    const moved = await recordGivenConsent(db, consent(webIdOf('alice'), podOf('uprn-b'))).catch(
      (thrown: unknown) => thrown,
    );
    expect(moved).toBeInstanceOf(ConflictError);
    expect(problemFor(moved)).toMatchObject({
      type: 'https://homedata.dev/problems/consent-pod-change',
      status: 409,
      detail: expect.stringMatching(/withdraw it first/),
    });
    const [row] = await db.query<{ pod: string }>(
      'SELECT pod FROM consents WHERE request_id = $1 AND resident_webid = $2',
      [requestId, webIdOf('alice')],
    );
    expect(row!.pod).toBe(podOf('uprn-a'));

    await withdrawConsent(db, requestId, webIdOf('alice'), new Date());
    await recordGivenConsent(db, consent(webIdOf('alice'), podOf('uprn-b')));
    const active = await listActiveConsents(db, requestId, new Date());
    expect(active.filter((c) => c.resident_webid === webIdOf('alice'))).toEqual([
      expect.objectContaining({ pod: podOf('uprn-b'), home_id: 'uprn-b' }),
    ]);
    // Move back for the next test.
    await withdrawConsent(db, requestId, webIdOf('alice'), new Date());
    await recordGivenConsent(db, consent(webIdOf('alice'), podOf('uprn-a')));
  });

  it('counts a consent only while its home is enrolled', async () => {
    await recordGivenConsent(db, consent(webIdOf('stray'), podOf('not-enrolled')));
    const webIds = async () =>
      (await listActiveConsents(db, requestId, new Date())).map((row) => row.resident_webid);
    expect(await webIds()).toEqual([webIdOf('alice')]);
    expect(await countActiveConsents(db, requestId, new Date())).toBe(1);

    await removeHome(db, '100023336956');
    expect(await webIds()).toEqual([]);
    expect(await countActiveConsents(db, requestId, new Date())).toBe(0);
    await expect(removeHome(db, '100023336956')).rejects.toBeInstanceOf(NotFoundError);
    await expect(removeHome(db, 'bad id')).rejects.toBeInstanceOf(ValidationError);
  });

  it('counts a home key once in a run, however many consents name it', () => {
    const plan = planRun({
      metrics: ['temperature.mean'],
      areas: [AREA],
      period: { from: '2026-01-01', to: '2026-01-31' },
      granularity: 'month',
      byDwellingType: false,
    });
    const table = new CohortTable(plan);
    const values = [{ metric: 'temperature.mean', period: '2026-01', value: 20 }];
    const member = { key: 'home-key-1', area: AREA, dwellingType: 'Flat' as const, versions: new Map() };
    expect(table.add(member, values)).toBe(true);
    expect(table.add(member, values)).toBe(false);
    expect(table.cohorts().find((cell) => cell.homeKeys.length > 0)?.homeKeys).toEqual(['home-key-1']);
  });
});
