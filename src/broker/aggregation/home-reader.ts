// Reads one consenting home for a run through the broker's audited reader: its profile and summaries, parsed as they stream.
import { createHash } from 'node:crypto';
import { ForbiddenError, PodError } from '../../errors.ts';
import type { DailySummary } from '../../metrics/index.ts';
import type { ConsentRow } from '../db/schema/consents.ts';
import type { BodyParser, PodDocument, ReadOptions } from '../pod-access/audited-pod-reader.ts';
import type { HomePlacement } from '../../pod/index.ts';
import { readHomePlacement } from './home-profile-reader.ts';
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

/** What a run learns about a home: where it counts, its summaries in the run's dates, and their data versions. */
export interface HomeData {
  profile: HomePlacement;
  summaries: DailySummary[];
  /**
   * A version of each summaries document read, keyed `<property>/<YYYY-MM>`, and of the home profile (its rooms
   * and time zone shape the home's figures too), keyed PROFILE_VERSION: its ETag, or a digest of what it gave
   * when the pod sends none. Two runs over the same home with different versions read different data.
   */
  versions: Map<string, string>;
}

/** The key of the home profile's version. */
export const PROFILE_VERSION = 'profile';

/** The key of a summaries document's version: `<property>/<YYYY-MM>`. */
export function versionKey(property: string, month: string): string {
  return `${property}/${month}`;
}

/** The version of a document read: its ETag, else a digest of what was parsed from it, else its status. */
function documentVersion(document: PodDocument<HomeDocument>): string {
  if (document.etag !== null) return `etag:${document.etag}`;
  if (document.body === null) return `status:${document.status}`;
  return `sha256:${createHash('sha256').update(JSON.stringify(document.body)).digest('hex')}`;
}

/** Why a home gives nothing: a run counts these, and logs them without saying which home. */
export type SkipReason = 'consent-inactive' | 'pod-failed' | 'no-profile';

/** A parsed document of a home: its profile or one summaries document. */
type HomeDocument = { profile: HomePlacement | null } | { summaries: DailySummary[] };

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
  const { profile: profileUrl, summaries: summaryDocuments } = homeDocuments(plan, consent.pod);
  const summaryUrls = summaryDocuments.map((document) => document.url);
  const parse: BodyParser<HomeDocument> = async (response, url, caps) => {
    if (response.body === null) return url === profileUrl ? { profile: null } : { summaries: [] };
    if (url === profileUrl) return { profile: await readHomePlacement(response.body, url, caps) };
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
  let profile: HomePlacement | null = null;
  const summaries: DailySummary[] = [];
  const versions = new Map<string, string>();
  for (const [index, document] of documents.entries()) {
    // Documents come back in the order asked: the profile, then summaryDocuments.
    const summaryDocument = summaryDocuments[index - 1];
    if (index === 0) versions.set(PROFILE_VERSION, documentVersion(document));
    else if (summaryDocument !== undefined) {
      versions.set(versionKey(summaryDocument.property, summaryDocument.month), documentVersion(document));
    }
    const body = document.body;
    if (body === null) continue;
    if ('profile' in body) profile = body.profile;
    else for (const summary of body.summaries) summaries.push(summary);
  }
  return profile === null ? 'no-profile' : { profile, summaries, versions };
}
