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

/** One home's January summaries grouped by the monthly document they belong in. */
export function fixtureSummaryDocuments(
  home: FixtureHome,
  pod: string,
  fixtures: FixtureSet,
): Map<string, Quad[]> {
  const summaries = fixtureSummaries(home, fixtures);
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
  fixtures: FixtureSet,
  homes: { home: FixtureHome; pod: string; gateway: ClientCredentials }[],
): Promise<number> {
  const written = await mapLimited(homes, 4, async ({ home, pod, gateway }) => {
    const agent = await loginWithClientCredentials(gateway);
    try {
      const documents = fixtureSummaryDocuments(home, pod, fixtures);
      for (const [url, quads] of documents) await patchInsert(agent.fetch, url, quads);
      return documents.size;
    } finally {
      await agent.logout();
    }
  });
  return written.reduce((sum, count) => sum + count, 0);
}
