// A home's Linked Data Notifications inbox: advertised on the resident's WebID profile, found there by senders.
import { DataFactory, type Store } from 'n3';
import { TERMS } from '../vocab/browser.ts';
import type { PodLayout } from './pod-layout.ts';
import { patchInsert } from './resource-write.ts';

const { namedNode, quad } = DataFactory;

/**
 * Adds `<webId> ldp:inbox <inbox>` to the resident's WebID profile (an insert-only N3 Patch: a repeated set-up adds
 * nothing). LDN senders discover a target's inbox from the target's own description; the profile is the one
 * description a sender may read before any consent (the home document is private), so the inbox is named there.
 */
export async function advertiseInbox(fetchFn: typeof fetch, webId: string, layout: PodLayout): Promise<void> {
  await patchInsert(fetchFn, webId.replace(/#.*$/, ''), [
    quad(namedNode(webId), TERMS.ldp.inbox, namedNode(layout.inbox)),
  ]);
}

/**
 * The inbox a WebID profile names for `webId` inside `pod`, or null. One in another pod (or on another server) is
 * not taken: a profile must not steer a sender's POSTs anywhere but the home's own pod.
 */
export function inboxInPod(profile: Store, webId: string, pod: string): string | null {
  const inboxes = profile
    .getObjects(webId, TERMS.ldp.inbox, null)
    .filter((term) => term.termType === 'NamedNode' && term.value.startsWith(pod) && term.value.endsWith('/'))
    .map((term) => term.value)
    .sort();
  return inboxes[0] ?? null;
}
