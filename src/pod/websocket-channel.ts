// Opens a Solid Notifications WebSocketChannel2023 on a resource: the URL to listen on for its changes.
import { PodError } from '../errors.ts';
import { TERMS } from '../vocab/browser.ts';
import {
  NOTIFICATIONS_CONTEXT,
  STORAGE_DESCRIPTION_REL,
  subscriptionService,
} from './notification-services.ts';
import { linkTarget, podRequest, readTurtle } from './resource-read.ts';

/**
 * Subscribes to `topic` with the caller's session and returns the channel's `receiveFrom` (a `ws:`/`wss:` URL):
 * the topic's storage description (its `Link rel="…solid/terms#storageDescription"`) names the subscription
 * services; the WebSocketChannel2023 one is asked for a channel (the server checks the caller may Read the topic).
 */
export async function openWebSocketChannel(fetchFn: typeof fetch, topic: string): Promise<string> {
  const head = await podRequest(fetchFn, topic, { method: 'HEAD' });
  const description = linkTarget(head.headers.get('link'), STORAGE_DESCRIPTION_REL, topic);
  if (!description) throw new PodError('The pod server names no storage description', { url: topic });
  const store = (await readTurtle(fetchFn, description))?.store;
  const service = store && subscriptionService(store, TERMS.notify.WebSocketChannel2023);
  if (!service) throw new PodError('The pod server offers no WebSocketChannel2023', { url: topic });
  const response = await podRequest(fetchFn, service, {
    method: 'POST',
    headers: { 'content-type': 'application/ld+json' },
    body: JSON.stringify({
      '@context': [NOTIFICATIONS_CONTEXT],
      type: TERMS.notify.WebSocketChannel2023.value,
      topic,
    }),
  });
  if (!response.ok) {
    throw new PodError(`Subscribing to ${topic} answered ${response.status}`, {
      url: topic,
      podStatus: response.status,
    });
  }
  const channel = (await response.json()) as { receiveFrom?: unknown };
  if (typeof channel.receiveFrom !== 'string') {
    throw new PodError('The subscription service named no receiveFrom', { url: topic });
  }
  return channel.receiveFrom;
}
