// Lists a container in the resident's pod: the member URLs it contains, sorted by name.
import { readTurtle } from '../../pod/browser.ts';
import { TERMS } from '../../vocab/browser.ts';

/** The members of `container` (ldp:contains), sorted; empty when the container does not exist. */
export async function listContainer(fetchFn: typeof fetch, container: string): Promise<string[]> {
  const document = await readTurtle(fetchFn, container);
  if (!document) return [];
  return document.store
    .getObjects(container, TERMS.ldp.contains, null)
    .map((term) => term.value)
    .sort();
}

/** The last member of `container` by name (names are dates, so the newest), or null when it is empty. */
export async function newestMember(fetchFn: typeof fetch, container: string): Promise<string | null> {
  const members = await listContainer(fetchFn, container);
  return members[members.length - 1] ?? null;
}
