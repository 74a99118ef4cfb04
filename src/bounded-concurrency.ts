// Runs a task over many items with a fixed number in flight: how runs read homes, gateways write documents and the
// demo provisions accounts without flooding a pod server.

/**
 * Calls `task` on every item (with its index), at most `limit` at once. Once `stop` answers true, no further
 * item is handed out; the tasks in flight finish.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !stop()) {
      const index = next++;
      await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Maps `items` through `task` with at most `limit` at once, keeping the order of results. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  await forEachBounded(items, limit, async (item, index) => {
    results[index] = await task(item);
  });
  return results;
}
