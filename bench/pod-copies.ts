// Bench seeding at scale: pods made as copies, on the pod server's own disk, of a pod seeded through its API.
//
// Seeding a home through CSS's account API and Solid requests costs ~20 requests and a bcrypt hash on the server's
// one thread (0.4–0.7 homes/s on a loaded 2-core machine, hours for 2,000 homes). What a run measures starts after
// seeding, and reads what CSS serves from its file store, so the benches seed one home per fixture through the API
// and write the rest as copies of those pods' files under new pod names: CSS serves a copy exactly as it serves
// the original (profile, home, summaries, ACLs with the same grants). A copy has no account, so no login: work a
// copy needs later (a prio3 report, a grant) is written on disk too, beside what its template was given through
// the API. Bench only: never in `src/`.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/** Where a pod server keeps one pod's files (CSS's file store: one folder per pod, under the pod's name). */
export function podFolder(podsDir: string, server: string, pod: string): string {
  return join(podsDir, decodeURIComponent(new URL(pod).pathname.slice(new URL(server).pathname.length)));
}

/** Every file under a folder, as paths relative to it. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)));
}

/**
 * The file CSS's file store keeps a resource in: its path under the pod folder, with `$.ttl` added when the name
 * does not already end in `.ttl` (CSS records a content type its extension does not imply that way). Turtle only.
 */
export function resourceFile(podsDir: string, server: string, url: string): string {
  const path = join(
    podsDir,
    decodeURIComponent(new URL(url).pathname.slice(new URL(server).pathname.length)),
  );
  return url.endsWith('/') || url.endsWith('.ttl') ? path : `${path}$.ttl`;
}

/**
 * Copies the pod at `template` to a new pod at `copy` on the same server: every file, with the template pod's URL
 * replaced by the copy's (WebID, ACL agents and targets, the storage description, summaries' subjects). `override`
 * gives files (by URL) that are written with their own Turtle instead of being copied.
 */
export async function copyPod(
  podsDir: string,
  server: string,
  template: string,
  copy: string,
  override: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  const from = podFolder(podsDir, server, template);
  const to = podFolder(podsDir, server, copy);
  const replaced = new Map(
    [...override].map(([url, turtle]) => [resourceFile(podsDir, server, url), turtle]),
  );
  for (const file of await filesUnder(from)) {
    const target = join(to, file);
    const text =
      replaced.get(target) ?? (await readFile(join(from, file), 'utf8')).replaceAll(template, copy);
    replaced.delete(target);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text);
  }
  if (replaced.size > 0) {
    throw new Error(`the template pod ${template} has no file for ${[...replaced.keys()].join(', ')}`);
  }
}

/**
 * Writes a Turtle resource into a copied pod on disk, with the ACL its template's container was given through the
 * API (the template's URL replaced by the copy's): how a copy gets what a login would have written.
 */
export async function writeIntoCopy(
  podsDir: string,
  server: string,
  resource: { url: string; turtle: string },
  acl: { container: string; template: string; copy: string },
): Promise<void> {
  const file = resourceFile(podsDir, server, resource.url);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, resource.turtle);
  const templateAcl = join(
    resourceFile(podsDir, server, acl.container.replace(acl.copy, acl.template)),
    '.acl',
  );
  const text = (await readFile(templateAcl, 'utf8')).replaceAll(acl.template, acl.copy);
  await writeFile(join(resourceFile(podsDir, server, acl.container), '.acl'), text);
}
