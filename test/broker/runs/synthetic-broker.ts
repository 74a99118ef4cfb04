// A broker on an in-memory database with synthetic homes behind a stand-in pod reader: requests, consents, runs.
import type { ConsentedReader } from '../../../src/broker/aggregation/home-reader.ts';
import { DEFAULT_POD_ACCESS, type DocumentCaps } from '../../../src/broker/pod-access/pod-access-limits.ts';
import { recordGivenConsent } from '../../../src/broker/consents/consent-transactor.ts';
import { enrolTestHomes } from '../../helpers/enrol-homes.ts';
import { addCouncil } from '../../../src/broker/councils/council-transactor.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import type { RunCellRow } from '../../../src/broker/db/schema/run-cells.ts';
import type { PodDocument } from '../../../src/broker/pod-access/audited-pod-reader.ts';
import { createRequest } from '../../../src/broker/requests/request-transactor.ts';
import { RunExecutor } from '../../../src/broker/runs/run-executor.ts';
import { findRun, listRunCells } from '../../../src/broker/runs/run-reader.ts';
import { createRun, type NewRun } from '../../../src/broker/runs/run-transactor.ts';
import { summaryQuads } from '../../../src/pod/formats/daily-summary.ts';
import { createLogger } from '../../../src/logging.ts';
import { daysOfMonth, type DailySummary } from '../../../src/metrics/index.ts';
import { homeProfileTurtle } from '../../../src/pod/formats/home-profile.ts';
import { PodLayout } from '../../../src/pod/pod-layout.ts';
import { seededRandomSource } from '../../../src/privacy/index.ts';
import { serializeTurtle, type DwellingType } from '../../../src/vocab/index.ts';
import { openMemoryDatabase } from '../../helpers/memory-database.ts';

export const AREA = 'E05018412';

/** One synthetic home: mutable, so a test can change its data between runs (a backfill). */
export interface SyntheticHome {
  index: number;
  dwellingType: DwellingType;
  /** Its living-room temperature every hour of every day it has data. */
  temperature: number;
  /** Days without data, `YYYY-MM-DD` (e.g. a week it was offline). */
  missing: Set<string>;
  /** Changes whenever its data does: the summaries documents' ETag. */
  version: number;
}

/** The pod and WebID of synthetic home `index`. */
export const podOf = (index: number) => `https://pods.example/home-${index}/`;
export const webIdOf = (index: number) => `${podOf(index)}profile/card#me`;

/** Homes `from` … `to − 1`, all at 15 + index / 10 °C, of the given dwelling type. */
export function syntheticHomes(from: number, to: number, dwellingType: DwellingType): SyntheticHome[] {
  return Array.from({ length: to - from }, (_, offset) => ({
    index: from + offset,
    dwellingType,
    temperature: 15 + (from + offset) / 10,
    missing: new Set<string>(),
    version: 1,
  }));
}

/** A home's daily summaries of one month. */
function summariesOf(home: SyntheticHome, month: string): DailySummary[] {
  const mean = home.temperature;
  return daysOfMonth(month)
    .filter((date) => !home.missing.has(date))
    .map((date) => ({
      property: 'temperature',
      room: 'living-room',
      date,
      hoursInDay: 24,
      validHours: 24,
      count: 24,
      mean,
      min: mean,
      max: mean,
      hoursBelow18: mean < 18 ? 24 : 0,
      hoursBelow16: mean < 16 ? 24 : 0,
      daytimeHours: 16,
      daytimeMean: mean,
      nightHours: 9,
      nightHoursAbove26: 0,
    }));
}

const MONTHS = ['2025-12', '2026-01', '2026-02', '2026-03'];

/**
 * A stand-in for the audited reader serving each home's profile and temperature summaries, with ETags; the pod
 * of each batch read is pushed onto `reads` when given.
 */
export function syntheticReader(
  homes: ReadonlyMap<number, SyntheticHome>,
  reads?: string[],
): ConsentedReader {
  return {
    async readUnderConsent<T>(
      consent: { pod: string },
      urls: readonly string[],
      options: { parse?: (response: Response, url: string, caps: DocumentCaps) => Promise<T> } = {},
    ): Promise<PodDocument<T>[]> {
      const home = homes.get(Number(/home-(\d+)/.exec(consent.pod)![1]))!;
      const layout = new PodLayout(consent.pod);
      reads?.push(consent.pod);
      return Promise.all(
        urls.map(async (url) => {
          let text: string | null = null;
          if (url === layout.homeProfile) {
            const profile = { area: AREA, dwellingType: home.dwellingType, timeZone: 'UTC', rooms: [] };
            text = homeProfileTurtle(layout, profile);
          }
          const month = MONTHS.find((candidate) => url === layout.summaryDocument('temperature', candidate));
          if (month !== undefined) {
            const quads = summariesOf(home, month).flatMap((summary) => summaryQuads(summary, layout, 'UTC'));
            text = serializeTurtle(quads);
          }
          const body =
            text === null ? null : await options.parse!(new Response(text), url, DEFAULT_POD_ACCESS);
          const etag = text === null ? null : `"${home.index}-${home.version}"`;
          return { url, status: text === null ? 404 : 200, etag, body };
        }),
      );
    },
  };
}

/** What a test asks for: a council's request over AREA. */
export interface SyntheticRequest {
  council: string;
  metric: string;
  from: string;
  to: string;
  granularity: 'month' | 'week';
  split?: 'none' | 'dwellingType';
  /** Homes that consent. */
  homes: readonly SyntheticHome[];
}

/** A broker database with councils, requests and consents, and a run executor over the synthetic homes. */
export class SyntheticBroker {
  private readonly councils = new Map<string, string>();

  private constructor(
    readonly db: Database,
    private readonly executor: RunExecutor,
    /** Every home that consented to some request, by index. */
    readonly homes: Map<number, SyntheticHome>,
  ) {}

  /** A broker with an empty in-memory database. */
  static async open(): Promise<SyntheticBroker> {
    const db = await openMemoryDatabase();
    const homes = new Map<number, SyntheticHome>();
    const executor = new RunExecutor({
      db,
      reader: syntheticReader(homes),
      clock: () => new Date(),
      logger: createLogger('synthetic-broker', 'silent'),
      random: seededRandomSource(11),
      kFloor: 10,
    });
    return new SyntheticBroker(db, executor, homes);
  }

  /** Files a request of a council (added on first use) with the given homes consenting; returns its id. */
  async request(input: SyntheticRequest): Promise<string> {
    let councilId = this.councils.get(input.council);
    if (councilId === undefined) {
      councilId = (await addCouncil(this.db, input.council)).id;
      this.councils.set(input.council, councilId);
    }
    const requestId = await createRequest(
      this.db,
      councilId,
      {
        title: 'Synthetic',
        purpose: 'https://w3id.org/dpv#ImprovePublicServices',
        description: 'Test',
        metrics: [input.metric] as never,
        areas: [AREA],
        period: { from: input.from, to: input.to },
        granularity: input.granularity,
        split: input.split ?? 'none',
        minCohort: 10,
        consentUntil: '2036-12-31',
      },
      new Date(),
    );
    for (const home of input.homes) {
      if (!this.homes.has(home.index)) await enrolTestHomes(this.db, [{ pod: podOf(home.index) }]);
      this.homes.set(home.index, home);
      await recordGivenConsent(this.db, {
        request_id: requestId,
        resident_webid: webIdOf(home.index),
        pod: podOf(home.index),
        record_iri: `${podOf(home.index)}homedata/consents/${requestId}.ttl#consent`,
        area: AREA,
        dwelling_type: home.dwellingType,
        given_at: new Date(),
        expires_at: new Date('2036-12-31T00:00:00Z'),
      });
    }
    return requestId;
  }

  /** Runs a request to the end (`options` as a council would send them) and returns the run and its cells. */
  async run(
    requestId: string,
    options: Record<string, unknown> = {},
  ): Promise<{ runId: string; state: string; cells: RunCellRow[] }> {
    const runId = await createRun(this.db, { requestId, epsilon: null, ...options } as NewRun, new Date());
    await this.executor.execute(runId);
    const run = (await findRun(this.db, requestId, runId))!;
    return { runId, state: run.state, cells: await listRunCells(this.db, runId) };
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
