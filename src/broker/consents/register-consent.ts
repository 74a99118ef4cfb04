// Registers a resident's consent: reads the record from the resident's pod, checks it, reads the home's area, indexes it.
import { ConflictError, NotFoundError, PodError, ValidationError } from '../../errors.ts';
import { PodLayout } from '../../pod/pod-layout.ts';
import { assertValid, HD, parseTurtle, TERMS } from '../../vocab/index.ts';
import type { Database } from '../db/database.ts';
import type { AuditedPodReader } from '../pod-access/audited-pod-reader.ts';
import { findRequest } from '../requests/request-reader.ts';
import { isOpen } from '../requests/request-view.ts';
import { checkConsentRecord } from './consent-record-check.ts';
import { recordGivenConsent } from './consent-transactor.ts';
import { grantTargets } from '../../pod/grant-scope.ts';
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
}

/** The home's area and dwelling type from its profile (`hd:Home` with `hd:areaCode`, `hd:dwellingType`). */
function homeCohort(text: string, url: string): { area: string; dwellingType: string } {
  const store = parseTurtle(text, { baseIRI: url, source: 'home profile' });
  const home = store.getSubjects(TERMS.rdf.type, TERMS.hd.Home, null)[0];
  const area = home && store.getObjects(home, TERMS.hd.areaCode, null)[0]?.value;
  const dwelling = home && store.getObjects(home, TERMS.hd.dwellingType, null)[0]?.value;
  if (!area || !dwelling?.startsWith(HD.base)) {
    throw new ValidationError('The home profile gives no area code and dwelling type', { field: 'pod' });
  }
  return { area, dwellingType: dwelling.slice(HD.base.length) };
}

/** Fails with a message the resident can act on when the broker could not read a resource it was meant to. */
function expectRead(status: number, what: string, requestId: string): void {
  if (status >= 200 && status < 300) return;
  if (status === 401 || status === 403 || status === 404) {
    throw new ConflictError(
      'consent-not-readable',
      `The broker cannot read your ${what} (the pod answered ${status}): grant it first, then tell the broker`,
      { requestId, podStatus: status },
    );
  }
  const answer = status === 0 ? 'could not be reached' : `answered ${status}`;
  throw new PodError(`Your pod ${answer} when the broker read your ${what}`, {
    requestId,
    podStatus: status,
  });
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
  const layout = new PodLayout(await enrolledPod(deps.db, pod, residentWebId, requestId));
  const recordDocument = layout.consentDocument(requestId);
  const scope = { requestId, residentWebId, pod: layout.pod, consentRecord: recordDocument };
  const [record] = await deps.reader.readForVerification(scope, [recordDocument]);
  expectRead(record!.status, 'consent record', requestId);
  const store = parseTurtle(record!.body!, { baseIRI: recordDocument, source: 'consent record' });
  await assertValid(store, { source: 'consent record' });
  const checked = checkConsentRecord(store, {
    recordDocument,
    requestId,
    purpose: request.purpose,
    residentWebId,
    brokerWebId: deps.reader.brokerWebId,
    requiredTargets: grantTargets(layout, request.metrics),
    now,
  });

  const [home] = await deps.reader.readForVerification({ ...scope, consentRecord: checked.recordIri }, [
    layout.homeProfile,
  ]);
  expectRead(home!.status, 'home profile', requestId);
  const { area, dwellingType } = homeCohort(home!.body!, layout.homeProfile);
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
