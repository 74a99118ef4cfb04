// Keeps a part of the page current: a WebSocketChannel2023 subscription per pod resource, instead of polling.
import { useEffect, useRef, useState } from 'preact/hooks';
import { openWebSocketChannel } from '../../pod/browser.ts';

/**
 * Wait before subscribing again after a channel closed or a subscription failed, doubling up to a minute (a
 * month's log document that does not exist yet fails until the broker's first read of the month).
 */
const RESUBSCRIBE_MS = 5_000;
const MAX_RESUBSCRIBE_MS = 60_000;

/** Changes that arrive in one burst make one call; no longer, since a new offer should show at once. */
const COALESCE_MS = 0;

/**
 * Calls `onChange` when any of `topics` changes in the pod (a notification on its channel), for as long as the
 * component is mounted; a channel that closes or fails is subscribed again after a few seconds. Returns whether
 * every topic's channel is open (the page can then say that it updates by itself).
 */
export function usePodChanges(
  fetchFn: typeof fetch,
  topics: readonly string[],
  onChange: () => void,
): boolean {
  const [live, setLive] = useState(false);
  const latest = useRef(onChange);
  latest.current = onChange;
  const key = topics.join(' ');
  useEffect(() => {
    let closed = false;
    let pending: ReturnType<typeof setTimeout> | undefined;
    const sockets = new Set<WebSocket>();
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const changed = () => {
      clearTimeout(pending);
      pending = setTimeout(() => latest.current(), COALESCE_MS);
    };
    const openCount = () => [...sockets].filter((socket) => socket.readyState === WebSocket.OPEN).length;
    const failures = new Map<string, number>();
    const later = (topic: string) => {
      const failed = (failures.get(topic) ?? 0) + 1;
      failures.set(topic, failed);
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          void listen(topic);
        },
        Math.min(RESUBSCRIBE_MS * 2 ** (failed - 1), MAX_RESUBSCRIBE_MS),
      );
      timers.add(timer);
    };
    const listen = async (topic: string) => {
      if (closed) return;
      let receiveFrom: string;
      try {
        receiveFrom = await openWebSocketChannel(fetchFn, topic);
      } catch {
        later(topic);
        return;
      }
      failures.delete(topic);
      if (closed) return;
      const socket = new WebSocket(receiveFrom);
      sockets.add(socket);
      socket.onopen = () => setLive(openCount() === topics.length);
      socket.onmessage = changed;
      socket.onclose = () => {
        sockets.delete(socket);
        setLive(false);
        if (!closed) later(topic);
      };
    };
    for (const topic of topics) void listen(topic);
    return () => {
      closed = true;
      clearTimeout(pending);
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.close();
    };
  }, [fetchFn, key]);
  return live;
}
