// Gives every fixture pod last winter's daily summaries, written by each home's own gateway as it would have.
import type { Quad } from 'n3';
import { type FixtureHome, type FixtureSet, simulateReadings } from '../fixtures/index.ts';
import { summariseReadings, type DailySummary } from '../metrics/index.ts';
import {
  PodLayout,
  patchInsert,
  loginWithClientCredentials,
  summariesByDocument,
  summaryQuads,
  type ClientCredentials,
} from '../pod/index.ts';
import { mapLimited } from '../bounded-concurrency.ts';

/** One home's daily summaries of the fixture period, as its gateway computes them from its readings. */
export function fixtureSummaries(home: FixtureHome, fixtures: FixtureSet): DailySummary[] {
  const from = new Date(fixtures.period.from);
  const to = new Date(fixtures.period.to);
  return summariseReadings(simulateReadings(home, from, to, 60), home.timeZone, { now: to });
}

/**
 * Every fixture home's summaries of the fixture period, by home id. Computed one home at a time with a turn of the
 * event loop between homes, so that requests this thread has in flight meanwhile (the demo computes them while
 * the pod server makes the pods) are not held up by the whole computation.
 */
export async function summariseFixtureHomes(fixtures: FixtureSet): Promise<Map<string, DailySummary[]>> {
  const summaries = new Map<string, DailySummary[]>();
  for (const home of fixtures.homes) {
    await new Promise((turn) => setImmediate(turn));
    summaries.set(home.id, fixtureSummaries(home, fixtures));
  }
  return summaries;
}

/** One home's January summaries grouped by the monthly document they belong in. */
export function fixtureSummaryDocuments(
  home: FixtureHome,
  pod: string,
  summaries: readonly DailySummary[],
): Map<string, Quad[]> {
  const layout = new PodLayout(pod);
  const documents = new Map<string, Quad[]>();
  for (const [url, members] of summariesByDocument(layout, summaries)) {
    documents.set(
      url,
      members.flatMap((summary) => summaryQuads(summary, layout, home.timeZone)),
    );
  }
  return documents;
}

/**
 * Writes each home's fixture-period summaries with that home's gateway identity (Append only), so the demo's
 * broker has a winter of data to aggregate. N3 Patch inserts are idempotent: a repeated seed changes nothing.
 */
export async function seedFixtureHistory(
  homes: { home: FixtureHome; pod: string; gateway: ClientCredentials; summaries: readonly DailySummary[] }[],
): Promise<number> {
  const written = await mapLimited(homes, 4, async ({ home, pod, gateway, summaries }) => {
    const agent = await loginWithClientCredentials(gateway);
    try {
      const documents = fixtureSummaryDocuments(home, pod, summaries);
      for (const [url, quads] of documents) await patchInsert(agent.fetch, url, quads);
      return documents.size;
    } finally {
      await agent.logout();
    }
  });
  return written.reduce((sum, count) => sum + count, 0);
}
