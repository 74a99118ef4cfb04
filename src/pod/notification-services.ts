// What a pod server says of its Solid Notifications services, read the same way by the resident page (WebSocket
// channels) and the broker (webhook channels); each fetches the documents its own way.
import type { NamedNode, Store } from 'n3';
import { TERMS } from '../vocab/browser.ts';

/** The JSON-LD context a subscription request carries. */
export const NOTIFICATIONS_CONTEXT = 'https://www.w3.org/ns/solid/notification/v1';

/** The `Link` relation naming a resource's storage description (Solid Protocol §4.1). */
export const STORAGE_DESCRIPTION_REL = 'http://www.w3.org/ns/solid/terms#storageDescription';

/** The storage description's subscription service for `channelType`, or undefined when it names none. */
export function subscriptionService(store: Store, channelType: NamedNode): string | undefined {
  return store
    .getObjects(null, TERMS.notify.subscription, null)
    .find((term) => store.countQuads(term, TERMS.notify.channelType, channelType, null) > 0)?.value;
}
