// The resident as the consent module sees them: a WebID and that resident's own authenticated fetch, and where their pod is.
import { ValidationError } from '../errors.ts';
import { readTurtle } from '../pod/resource-read.ts';
import { TERMS } from '../vocab/terms.ts';

/**
 * A resident's own logged-in session: `@inrupt/solid-client-authn-node` in the CLI, `-browser` on the resident
 * page. The consent module never sees a password or a client secret.
 */
export interface ResidentSession {
  readonly webId: string;
  readonly fetch: typeof fetch;
}

/**
 * The resident's pod: the `pim:storage` their WebID profile names. With several, the one the WebID lives in
 * (CSS puts the profile inside the pod); pass the pod explicitly otherwise.
 */
export async function findResidentPod(session: ResidentSession): Promise<string> {
  const profile = await readTurtle(session.fetch, session.webId.replace(/#.*$/, ''));
  const storages = profile ? profile.store.getObjects(session.webId, TERMS.pim.storage, null) : [];
  const pods = storages.map((term) => (term.value.endsWith('/') ? term.value : `${term.value}/`));
  const pod = pods.length === 1 ? pods[0] : pods.find((candidate) => session.webId.startsWith(candidate));
  if (!pod) {
    throw new ValidationError(
      `Your WebID profile names ${pods.length} pods (pim:storage); say which pod to use`,
      {
        field: 'pod',
      },
    );
  }
  return pod;
}
