// The one reader and writer of a request offer: the Linked Data Notification the broker puts in a home's inbox.
import { DataFactory, type Store, type Term } from 'n3';
import { TERMS } from '../../vocab/browser.ts';
import { serializeTurtle } from '../../vocab/browser.ts';

const { namedNode, literal, quad } = DataFactory;
const { rdf, as, hd, dct, xsd } = TERMS;

/** What the broker tells a home about a council request for its area. */
export interface RequestOffer {
  /** The notification's own IRI (`urn:uuid:…`: an inbox member's URL is the server's to choose). */
  id: string;
  /** The broker's WebID (`as:actor`). */
  broker: string;
  /** The resident's WebID (`as:target`). */
  resident: string;
  /** The request as the broker publishes it (`as:object`), `…/api/requests/<id>`. */
  requestUrl: string;
  requestId: string;
  title: string;
  published: Date;
}

/**
 * An ActivityStreams 2.0 `as:Offer` of a council request, as Turtle: the object is the request's public URL,
 * carrying its id (`hd:requestId`) and title so that an app can show it without asking the broker.
 */
export function requestOfferTurtle(offer: RequestOffer): string {
  const subject = namedNode(offer.id);
  const request = namedNode(offer.requestUrl);
  return serializeTurtle([
    quad(subject, rdf.type, as.Offer),
    quad(subject, as.actor, namedNode(offer.broker)),
    quad(subject, as.target, namedNode(offer.resident)),
    quad(subject, as.object, request),
    quad(subject, as.summary, literal(`A council asks for figures from your home: ${offer.title}`)),
    quad(subject, as.published, literal(offer.published.toISOString(), xsd.dateTime)),
    quad(request, hd.requestId, literal(offer.requestId)),
    quad(request, dct.title, literal(offer.title)),
  ]);
}

/**
 * The offers in one inbox document (any other notification is left out). Nothing in it is trusted: a reader
 * shows an offer only for a request the broker itself still lists.
 */
export function readRequestOffers(store: Store): RequestOffer[] {
  const offers: RequestOffer[] = [];
  for (const subject of store.getSubjects(rdf.type, as.Offer, null)) {
    const value = (term: { value: string }, of: Term = subject) => store.getObjects(of, term.value, null)[0];
    const request = value(as.object);
    const requestId = request && value(hd.requestId, request);
    const published = new Date(value(as.published)?.value ?? '');
    if (!request || request.termType !== 'NamedNode' || !requestId || Number.isNaN(published.getTime()))
      continue;
    offers.push({
      id: subject.value,
      broker: value(as.actor)?.value ?? '',
      resident: value(as.target)?.value ?? '',
      requestUrl: request.value,
      requestId: requestId.value,
      title: value(dct.title, request)?.value ?? '',
      published,
    });
  }
  return offers;
}
