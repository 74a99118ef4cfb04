// The per-home deadline of a run: a home whose reads have not finished in time is given up, and the run goes on.

/** What `withinDeadline` answers when the work was still not done. */
export const MISSED_DEADLINE = Symbol('missed deadline');

/**
 * Waits for `work` at most `ms` milliseconds: its result, or MISSED_DEADLINE. Work that misses the deadline is
 * not cancelled (the reader takes no signal; its own requests time out): its result or error is dropped.
 */
export async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof MISSED_DEADLINE> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof MISSED_DEADLINE>((resolve) => {
    timer = setTimeout(() => resolve(MISSED_DEADLINE), ms);
  });
  // A late failure of work already given up must not surface as an unhandled rejection.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
