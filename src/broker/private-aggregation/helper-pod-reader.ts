// The helper's own reads of report documents: its authenticated fetch under the broker's outbound rules (guarded-fetch.ts).
import { Store } from 'n3';
import { ForbiddenError, PodError } from '../../errors.ts';
import { parseTurtleStream } from '../aggregation/turtle-stream.ts';
import type { DocumentCaps } from '../pod-access/pod-access-limits.ts';
import { guardedFetch, type OutboundRules } from '../trust/guarded-fetch.ts';
import type { ReadDocument } from './report-reader.ts';

/** A report document is ~2 KB of Turtle and some 30 triples: these caps leave room and bound a hostile pod. */
export const REPORT_DOCUMENT_CAPS: DocumentCaps = { maxQuads: 500, maxSubjects: 50 };

/**
 * Reads a report document with `fetchImpl` (the helper's logged-in agent): trusted pod origins only, no redirects,
 * a deadline and a byte cap (`rules`), at most `caps` triples. 404 or 410: no report (null); 401 or 403: the home
 * grants the helper no Read, so it does not consent to this request (ForbiddenError); anything else is a PodError.
 */
export function helperReportReader(
  fetchImpl: typeof fetch,
  rules: OutboundRules,
  caps: DocumentCaps = REPORT_DOCUMENT_CAPS,
): ReadDocument {
  return async (url) => {
    const response = await guardedFetch(fetchImpl, url, { headers: { accept: 'text/turtle' } }, rules);
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel().catch(() => undefined);
      return null;
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel().catch(() => undefined);
      throw new ForbiddenError('The home does not let the helper read this report', {
        status: response.status,
      });
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel().catch(() => undefined);
      throw new PodError('A report could not be read', { podStatus: response.status });
    }
    const store = new Store();
    await parseTurtleStream(response.body, url, (quad) => store.addQuad(quad), caps);
    return store;
  };
}
