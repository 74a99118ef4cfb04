// Reads the resident's consent records from their own pod, and lists requests beside the answers given.
import { PodLayout } from '../pod/browser.ts';
import { readTurtle } from '../pod/browser.ts';
import { TERMS } from '../vocab/browser.ts';
import type { PublicRequest } from '../broker/contract.ts';
import type { BrokerClient } from './broker-client.ts';
import { isActive, parseConsentRecord, type ConsentRecord } from '../pod/browser.ts';
import { findResidentPod, type ResidentSession } from './resident-session.ts';

/** Who acts (the resident), against which broker, in which pod, at what time. */
export interface ConsentContext {
  session: ResidentSession;
  broker: BrokerClient;
  /** The resident's pod root; found from the WebID profile when left out. */
  pod?: string;
  /** The clock (tests move it to see consents expire). */
  now?: () => Date;
}

/** The pod layout of the context's pod. */
export async function layoutOf(context: ConsentContext): Promise<PodLayout> {
  return new PodLayout(context.pod ?? (await findResidentPod(context.session)));
}

/** The resident's record for one request, or null when they have not answered it. */
export async function readConsentRecord(
  session: ResidentSession,
  layout: PodLayout,
  requestId: string,
): Promise<ConsentRecord | null> {
  const document = layout.consentDocument(requestId);
  const turtle = await readTurtle(session.fetch, document);
  return turtle ? parseConsentRecord(turtle.store, document) : null;
}

/** Every consent record in the resident's `consents/` container. */
export async function listConsentRecords(
  session: ResidentSession,
  layout: PodLayout,
): Promise<ConsentRecord[]> {
  const container = await readTurtle(session.fetch, layout.consents);
  if (!container) return [];
  const documents = container.store
    .getObjects(layout.consents, TERMS.ldp.contains, null)
    .map((term) => term.value)
    .filter((url) => url.endsWith('.ttl'))
    .sort();
  const records = await Promise.all(
    documents.map(async (document) => {
      const turtle = await readTurtle(session.fetch, document);
      return turtle ? parseConsentRecord(turtle.store, document) : null;
    }),
  );
  return records.filter((record): record is ConsentRecord => record !== null);
}

/** Where a resident stands on one request. */
export type ConsentStanding = 'unanswered' | 'given' | 'refused' | 'withdrawn' | 'expired';

/** One line of `homedata consent list` (and of the resident page's inbox and history). */
export interface ConsentListing {
  requestId: string;
  /** The request as the broker publishes it; null when the broker no longer lists it. */
  request: PublicRequest | null;
  standing: ConsentStanding;
  record: ConsentRecord | null;
}

/** A record's standing at `now`: a given consent past its expiry is expired, whatever it still says. */
export function standingOf(record: ConsentRecord | null, now: Date): ConsentStanding {
  if (!record) return 'unanswered';
  if (record.status === 'ConsentGiven') return isActive(record, now) ? 'given' : 'expired';
  if (record.status === 'ConsentRefused') return 'refused';
  if (record.status === 'ConsentWithdrawn') return 'withdrawn';
  return 'expired';
}

/** Every request the broker lists, with the resident's answer, plus answers to requests it no longer lists. */
export async function listConsents(context: ConsentContext): Promise<ConsentListing[]> {
  const layout = await layoutOf(context);
  const now = (context.now ?? (() => new Date()))();
  const [requests, records] = await Promise.all([
    context.broker.listRequests(),
    listConsentRecords(context.session, layout),
  ]);
  const byRequest = new Map(records.map((record) => [record.requestId, record]));
  const listings: ConsentListing[] = requests.map((request) => {
    const record = byRequest.get(request.id) ?? null;
    byRequest.delete(request.id);
    return { requestId: request.id, request, standing: standingOf(record, now), record };
  });
  for (const record of byRequest.values()) {
    listings.push({ requestId: record.requestId, request: null, standing: standingOf(record, now), record });
  }
  return listings;
}
