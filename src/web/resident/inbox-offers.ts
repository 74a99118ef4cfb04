// Reads the home's LDN inbox: the council requests the broker offered to this home, newest first.
import type { PodLayout } from '../../pod/browser.ts';
import { readRequestOffers, type RequestOffer } from '../../pod/browser.ts';
import { readTurtle } from '../../pod/browser.ts';
import { listContainer } from './container-listing.ts';

/** Inbox documents read at most: a home gets one offer per request for its area, so this is years of requests. */
const MAX_OFFER_DOCUMENTS = 200;

/** The offers in the inbox, newest first; one per request (the newest, should the broker have sent two). */
export async function readInboxOffers(fetchFn: typeof fetch, layout: PodLayout): Promise<RequestOffer[]> {
  const members = (await listContainer(fetchFn, layout.inbox)).slice(-MAX_OFFER_DOCUMENTS);
  const documents = await Promise.all(members.map((member) => readTurtle(fetchFn, member).catch(() => null)));
  const byRequest = new Map<string, RequestOffer>();
  for (const offer of documents.flatMap((document) => (document ? readRequestOffers(document.store) : []))) {
    const known = byRequest.get(offer.requestId);
    if (!known || known.published < offer.published) byRequest.set(offer.requestId, offer);
  }
  return [...byRequest.values()].sort((a, b) => b.published.getTime() - a.published.getTime());
}
