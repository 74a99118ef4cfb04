// At most so many requests in flight to one pod server at a time, whatever the run's homes in flight: one run over
// many pods must not flood any one server, and a slow server must not hold the others' share.

/** Waiting tasks and the count in flight of one origin. */
interface OriginSlots {
  inFlight: number;
  waiting: (() => void)[];
}

/**
 * Holds each pod request until its origin has a free slot (`limit` per origin, config
 * `podAccess.maxRequestsPerOrigin`). A slot covers a whole request, body included, so it also bounds the
 * connections open to that origin: fetch opens a connection only for a request that finds none idle.
 */
export class OriginLimit {
  private readonly limit: number;
  private readonly origins = new Map<string, OriginSlots>();

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('an origin limit is a whole number ≥ 1');
    this.limit = limit;
  }

  /** Runs `task` once `url`'s origin has a free slot, and frees the slot when it settles. */
  async run<T>(url: string, task: () => Promise<T>): Promise<T> {
    const origin = new URL(url).origin;
    let slots = this.origins.get(origin);
    if (slots === undefined) {
      slots = { inFlight: 0, waiting: [] };
      this.origins.set(origin, slots);
    }
    if (slots.inFlight >= this.limit) await new Promise<void>((resolve) => slots.waiting.push(resolve));
    else slots.inFlight++;
    try {
      return await task();
    } finally {
      const next = slots.waiting.shift();
      // The slot passes straight to the next waiter; only when none waits is it given back.
      if (next) next();
      else if (--slots.inFlight === 0) this.origins.delete(origin);
    }
  }
}
