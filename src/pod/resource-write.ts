// Writes Solid resources over HTTP: whole documents, create-only PUTs and insert-only N3 Patches.
import type { Quad } from 'n3';
import { serializeTriples } from '../vocab/browser.ts';
import { PodError } from '../errors.ts';
import { podRequest } from './resource-read.ts';

/** Throws a PodError unless the response is 2xx. */
async function expectOk(response: Response, what: string, url: string): Promise<Response> {
  if (response.ok) return response;
  const body = await response.text().catch(() => '');
  throw new PodError(`${what} ${url} answered ${response.status}${body ? `: ${body.slice(0, 200)}` : ''}`, {
    url,
    podStatus: response.status,
  });
}

/** PUTs a Turtle document, optionally only if its ETag still matches (412 otherwise). */
export async function writeTurtle(
  fetchFn: typeof fetch,
  url: string,
  turtle: string,
  options: { ifMatch?: string | null; ifNoneMatch?: '*' } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'text/turtle' };
  if (options.ifMatch) headers['if-match'] = options.ifMatch;
  if (options.ifNoneMatch) headers['if-none-match'] = options.ifNoneMatch;
  const response = await podRequest(fetchFn, url, { method: 'PUT', headers, body: turtle });
  if (response.status === 412) return response;
  return expectOk(response, 'PUT', url);
}

/**
 * Inserts quads into a document with an N3 Patch (`solid:InsertDeletePatch`, inserts only).
 * Append permission allows it and identical triples are kept once, so a retry adds nothing.
 */
export async function patchInsert(fetchFn: typeof fetch, url: string, quads: Quad[]): Promise<Response> {
  for (const quad of quads) {
    if (quad.subject.termType === 'BlankNode' || quad.object.termType === 'BlankNode') {
      throw new PodError('N3 Patch cannot carry blank nodes (CSS answers 422)', { url });
    }
  }
  const body =
    '@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n' +
    `_:patch a solid:InsertDeletePatch; solid:inserts {\n${serializeTriples(quads)}}.\n`;
  const response = await podRequest(fetchFn, url, {
    method: 'PATCH',
    headers: { 'content-type': 'text/n3' },
    body,
  });
  return expectOk(response, 'PATCH', url);
}

/** DELETEs a resource; a missing resource counts as deleted. */
export async function deleteResource(fetchFn: typeof fetch, url: string): Promise<void> {
  const response = await podRequest(fetchFn, url, { method: 'DELETE' });
  if (response.status === 404) return;
  await expectOk(response, 'DELETE', url);
}

/**
 * Creates a container if it does not exist yet (CSS also creates missing parents); one request when it is new or
 * was made by a PUT of its own. A container CSS made as the missing parent of a child's PUT answers 409, not 412
 * (measured): a HEAD then tells "exists" from a real conflict.
 */
export async function ensureContainer(fetchFn: typeof fetch, url: string): Promise<void> {
  const response = await podRequest(fetchFn, url, {
    method: 'PUT',
    headers: { 'content-type': 'text/turtle', 'if-none-match': '*' },
    body: '',
  });
  if (response.status === 412) return;
  if (response.status === 409) {
    const check = await podRequest(fetchFn, url, { method: 'HEAD' });
    if (check.ok) return;
  }
  await expectOk(response, 'PUT', url);
}

/** How often an edit that lost a race (412 to its conditional write) is tried again from a fresh read. */
const EDIT_ATTEMPTS = 6;

/**
 * Runs a read-change-conditional-write edit of `target`'s `what` (its ACL, its ACR) until it lands: `attempt`
 * answers false when its conditional request was refused (412) because someone else changed the document first.
 */
export async function editUntilLanded(
  what: string,
  target: string,
  attempt: () => Promise<boolean>,
): Promise<void> {
  for (let tried = 1; tried <= EDIT_ATTEMPTS; tried++) {
    if (await attempt()) return;
  }
  throw new PodError(`${what} of ${target} kept changing under us`, { url: target });
}
