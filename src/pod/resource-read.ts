// Reads Solid resources over HTTP: Turtle documents, link headers, container listings. Never changes a pod.
import type { Store } from 'n3';
import { TERMS, parseTurtle } from '../vocab/browser.ts';
import { PodError } from '../errors.ts';

/** A parsed RDF document with the validators needed for a conditional write. */
export interface TurtleDocument {
  url: string;
  store: Store;
  etag: string | null;
}

/** Sends a request, turning network failures into a PodError that names the server, not the path. */
export async function podRequest(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit = {},
): Promise<Response> {
  try {
    return await fetchFn(url, init);
  } catch (error) {
    // A bounded fetch already said what went wrong (deadline, size); keep its words.
    if (error instanceof PodError) throw error;
    throw new PodError(`Pod server unreachable at ${new URL(url).origin}`, { url }, error);
  }
}

/** GETs a Turtle document; returns null on 404 and throws PodError on any other failure. */
export async function readTurtle(fetchFn: typeof fetch, url: string): Promise<TurtleDocument | null> {
  const response = await podRequest(fetchFn, url, { headers: { accept: 'text/turtle' } });
  if (response.status === 404) return null;
  if (!response.ok) {
    throw new PodError(`GET ${url} answered ${response.status}`, { url, podStatus: response.status });
  }
  const text = await response.text();
  try {
    return {
      url,
      store: parseTurtle(text, { baseIRI: url, source: url }),
      etag: response.headers.get('etag'),
    };
  } catch (error) {
    throw new PodError(`Document at ${url} is not valid Turtle`, { url }, error);
  }
}

/** Finds the target of a `Link` header with the given rel, resolved against the resource URL. */
export function linkTarget(linkHeader: string | null, rel: string, base: string): string | null {
  if (!linkHeader) return null;
  for (const part of linkHeader.split(/,(?=\s*<)/)) {
    const match = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (!match) continue;
    const rels = /rel="?([^";]+)"?/.exec(match[2] ?? '')?.[1]?.split(/\s+/) ?? [];
    if (rels.includes(rel)) return new URL(match[1] ?? '', base).href;
  }
  return null;
}

/**
 * Whether a response's Link header marks the resource as a storage root (Solid Protocol: `Link:
 * <http://www.w3.org/ns/pim/space#Storage>; rel="type"`).
 */
export function isStorageRoot(linkHeader: string | null): boolean {
  if (!linkHeader) return false;
  return linkHeader.split(/,(?=\s*<)/).some((part) => {
    const match = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    const rels = /rel="?([^";]+)"?/.exec(match?.[2] ?? '')?.[1]?.split(/\s+/) ?? [];
    return match?.[1] === TERMS.pim.Storage.value && rels.includes('type');
  });
}

/** Finds the ACL document of a resource from its `Link: <…>; rel="acl"` header. */
export async function findAclUrl(fetchFn: typeof fetch, resourceUrl: string): Promise<string> {
  const response = await podRequest(fetchFn, resourceUrl, { method: 'HEAD' });
  const acl = linkTarget(response.headers.get('link'), 'acl', resourceUrl);
  if (!acl) {
    throw new PodError(`No ACL link on ${resourceUrl} (status ${response.status})`, {
      url: resourceUrl,
      podStatus: response.status,
    });
  }
  return acl;
}
