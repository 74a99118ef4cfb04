// Registers a resident's consent: reads the record from the resident's pod, checks it, reads the home's area, indexes it.
import type { Store } from 'n3';
import { ConflictError, NotFoundError, PodError, ValidationError } from '../../errors.ts';
import type { Logger } from '../../logging.ts';
import { PodLayout } from '../../pod/index.ts';
import { assertValid } from '../../vocab/index.ts';
import type { HomePlacement } from '../../pod/index.ts';
import { readHomePlacement } from '../aggregation/home-profile-reader.ts';
import { readTurtleStore } from '../aggregation/turtle-stream.ts';
import type { BrokerConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { AuditedPodReader, BodyParser, PodDocument } from '../pod-access/audited-pod-reader.ts';
import type { TrustPolicy } from '../trust/trust-policy.ts';
import { findRequest } from '../requests/request-reader.ts';
import { isOpen } from '../requests/request-view.ts';
import { checkConsentRecord } from '../../pod/index.ts';
import { assertPodOfResident } from './pod-binding.ts';
import { recordGivenConsent } from './consent-transactor.ts';
import { consentTargets } from '../../pod/index.ts';
import { enrolledPod } from '../homes/enrolled-home-check.ts';

/** What the resident is told once the broker counts the consent. */
export interface RegisteredConsent {
  requestId: string;
  state: 'given';
  expiresAt: string;
}

export interface RegisterConsentDeps {
  db: Database;
  reader: AuditedPodReader;
  clock: () => Date;
  logger: Logger;
  trust: TrustPolicy;
  config: Pick<BrokerConfig, 'podAccess'>;
}

/**
 * Most triples a consent record may hold: one the consent module writes has about 25 (one per target resource
 * beyond the first few). The cap keeps the SHACL check, which runs on the event loop, to a small graph whatever
 * the document (docs/security.md, M3).
 */
const MAX_RECORD_QUADS = 1_000;

/** The consent record, parsed as it streams in under the reader's byte cap and the record's triple cap. */
export const readRecord: BodyParser<Store> = (response, url, caps) =>
  readTurtleStore(response.body!, url, {
    maxQuads: Math.min(caps.maxQuads, MAX_RECORD_QUADS),
    maxSubjects: Math.min(caps.maxSubjects, MAX_RECORD_QUADS),
  });

/** The home profile, read by the same reader as a run's (one reader per document format). */
const readHome: BodyParser<HomePlacement | null> = (response, url, caps) =>
  readHomePlacement(response.body!, url, caps);

/**
 * Reads one document for verification; any failure (the pod's status, a redirect, a timeout, a body over its
 * cap, text that is not Turtle) gives the resident one fixed message. The pod's answer, the parser's message and
 * the body are never echoed back (docs/security.md, M1); the log keeps the status and reason, without URLs.
 */
async function readOrRefuse<T>(
  deps: RegisterConsentDeps,
  what: 'consent record' | 'home profile',
  read: () => Promise<PodDocument<T>[]>,
): Promise<T> {
  let document: PodDocument<T> | undefined;
  try {
    [document] = await read();
  } catch (error) {
    if (!(error instanceof PodError)) throw error;
    deps.logger.warn({ what, reason: error.context.reason ?? error.message }, 'registration read failed');
  }
  if (document && document.status >= 200 && document.status < 300 && document.body !== null) {
    return document.body;
  }
  if (document) deps.logger.warn({ what, podStatus: document.status }, 'registration read failed');
  throw new ConflictError(
    'consent-not-readable',
    `The broker could not read your ${what}: check that it is in your pod and that you granted the broker Read, then tell the broker again`,
  );
}

/**
 * Counts a resident's consent only after reading it from their own pod: the record must say ConsentGiven for this
 * request, purpose and broker, unexpired, naming every resource the request needs; the home must be in one of
 * the request's areas. The pod must be an enrolled home's (checked before the first read).
 */
export async function registerConsent(
  deps: RegisterConsentDeps,
  requestId: string,
  residentWebId: string,
  pod: string,
): Promise<RegisteredConsent> {
  const now = deps.clock();
  const request = await findRequest(deps.db, requestId);
  if (!request) throw new NotFoundError('No such request', { requestId });
  if (!isOpen(request, now)) {
    throw new ConflictError(
      'request-closed',
      'This request no longer takes consent (consentUntil has passed)',
      {
        requestId,
      },
    );
  }
  // Enrolment first: nothing is fetched for a pod the operator never enrolled.
  const enrolled = await enrolledPod(deps.db, pod, residentWebId, requestId);
  await assertPodOfResident({ ...deps, limits: deps.config.podAccess }, residentWebId, enrolled);
  const layout = new PodLayout(enrolled);
  const recordDocument = layout.consentDocument(requestId);
  const scope = { requestId, residentWebId, pod: layout.pod, consentRecord: recordDocument };
  const store = await readOrRefuse(deps, 'consent record', () =>
    deps.reader.readForVerification(scope, [recordDocument], { parse: readRecord }),
  );
  await assertValid(store, { source: 'consent record' });
  const checked = checkConsentRecord(store, {
    recordDocument,
    requestId,
    purpose: request.purpose,
    residentWebId,
    brokerWebId: deps.reader.brokerWebId,
    requiredTargets: consentTargets(layout, request),
    now,
  });

  const home = await readOrRefuse(deps, 'home profile', () =>
    deps.reader.readForVerification({ ...scope, consentRecord: checked.recordIri }, [layout.homeProfile], {
      parse: readHome,
    }),
  );
  if (home === null) {
    throw new ValidationError('The home profile gives no area code and dwelling type', { field: 'pod' });
  }
  const { area, dwellingType } = home;
  if (!request.areas.includes(area)) {
    throw new ValidationError("This request does not cover your home's area", { field: 'pod', requestId });
  }
  const expiresAt = checked.expiresAt < request.consent_until ? checked.expiresAt : request.consent_until;
  await recordGivenConsent(deps.db, {
    request_id: requestId,
    resident_webid: residentWebId,
    pod: layout.pod,
    record_iri: checked.recordIri,
    area,
    dwelling_type: dwellingType,
    given_at: now,
    expires_at: expiresAt,
  });
  return { requestId, state: 'given', expiresAt: expiresAt.toISOString() };
}
