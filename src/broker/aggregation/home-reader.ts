// Reads one consenting home for a run through the broker's audited reader: its profile and summaries, parsed as they stream.
import { ForbiddenError, PodError } from '../../errors.ts';
import type { DailySummary } from '../../metrics/index.ts';
import type { ConsentRow } from '../db/schema/consents.ts';
import type { BodyParser, PodDocument, ReadOptions } from '../pod-access/audited-pod-reader.ts';
import { readHomeProfile, type HomeProfile } from './home-profile-reader.ts';
import { homeDocuments, type RunPlan } from './run-plan.ts';
import { readSummaryStream } from './summary-reader.ts';

/** The part of the audited pod reader a run uses. */
export interface ConsentedReader {
  readUnderConsent<T>(
    consent: Pick<ConsentRow, 'request_id' | 'resident_webid' | 'pod' | 'record_iri'>,
    urls: readonly string[],
    options?: ReadOptions<T> & { runId?: string },
  ): Promise<PodDocument<T>[]>;
}

/** What a run learns about a home: where it counts, and its summaries in the run's dates. */
export interface HomeData {
  profile: HomeProfile;
  summaries: DailySummary[];
}

/** Why a home gives nothing: a run counts these, and logs them without saying which home. */
export type SkipReason = 'consent-inactive' | 'pod-failed' | 'no-profile';

/** A parsed document of a home: its profile or one summaries document. */
type HomeDocument = { profile: HomeProfile | null } | { summaries: DailySummary[] };

/**
 * Reads a home's profile and summary documents in one audited batch (one audit entry per document, one access
 * record in the resident's log). A summaries document the pod does not have (404) or no longer grants (403) adds
 * nothing; the home's coverage then decides whether it counts.
 */
export async function readHome(
  reader: ConsentedReader,
  consent: Pick<ConsentRow, 'request_id' | 'resident_webid' | 'pod' | 'record_iri'>,
  plan: RunPlan,
  runId: string,
): Promise<HomeData | SkipReason> {
  const { profile: profileUrl, summaries: summaryUrls } = homeDocuments(plan, consent.pod);
  const parse: BodyParser<HomeDocument> = async (response, url, caps) => {
    if (response.body === null) return url === profileUrl ? { profile: null } : { summaries: [] };
    if (url === profileUrl) return { profile: await readHomeProfile(response.body, url, caps) };
    return { summaries: (await readSummaryStream(response.body, url, plan.dates, caps)).summaries };
  };
  let documents: PodDocument<HomeDocument>[];
  try {
    documents = await reader.readUnderConsent(consent, [profileUrl, ...summaryUrls], { parse, runId });
  } catch (error) {
    // Revoked or expired since the run listed it, or its pod failed: the home is left out, the run goes on.
    if (error instanceof ForbiddenError) return 'consent-inactive';
    if (error instanceof PodError) return 'pod-failed';
    throw error;
  }
  let profile: HomeProfile | null = null;
  const summaries: DailySummary[] = [];
  for (const document of documents) {
    const body = document.body;
    if (body === null) continue;
    if ('profile' in body) profile = body.profile;
    else for (const summary of body.summaries) summaries.push(summary);
  }
  return profile === null ? 'no-profile' : { profile, summaries };
}
