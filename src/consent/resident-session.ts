// The resident as the consent module sees them: a WebID and that resident's own authenticated fetch, and where their pod is.
import { ValidationError } from '../errors.ts';
import { isStorageRoot, podRequest, readTurtle } from '../pod/browser.ts';
import { TERMS } from '../vocab/browser.ts';

/**
 * A resident's own logged-in session: `@inrupt/solid-client-authn-node` in the CLI, `-browser` on the resident
 * page. The consent module never sees a password or a client secret.
 */
export interface ResidentSession {
  readonly webId: string;
  readonly fetch: typeof fetch;
}

/**
 * The resident's pod: the `pim:storage` their WebID profile names, else the storage root that holds the profile
 * (found by walking up from it, as the Solid Protocol describes; CSS 7 profiles name no storage).
 */
export async function findResidentPod(session: ResidentSession): Promise<string> {
  const profileUrl = session.webId.replace(/#.*$/, '');
  const profile = await readTurtle(session.fetch, profileUrl);
  const storages = profile ? profile.store.getObjects(session.webId, TERMS.pim.storage, null) : [];
  if (storages.length === 1)
    return storages[0]!.value.endsWith('/') ? storages[0]!.value : `${storages[0]!.value}/`;
  if (storages.length === 0) {
    for (let url = new URL('.', profileUrl); ; url = new URL('..', url)) {
      const response = await podRequest(session.fetch, url.href, { method: 'HEAD' });
      if (isStorageRoot(response.headers.get('link'))) return url.href;
      if (url.pathname === '/') break;
    }
  }
  throw new ValidationError(
    `Cannot tell which pod is yours (${storages.length} pim:storage in your profile): name it`,
    {
      field: 'pod',
    },
  );
}
