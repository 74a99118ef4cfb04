// A small map of answers that expire and whose size is bounded: the verifier's WebID and issuer-key look-ups.

/** One cached answer: a promise, so that concurrent callers share one fetch. */
interface Entry<V> {
  readonly value: Promise<V>;
  readonly expiresAt: number;
}

/**
 * Caches `load(key)` for `ttlMs`, holding at most `maxEntries` keys (the oldest inserted goes first). Concurrent
 * look-ups of one key share one load; a failed load is forgotten at once, so a transient failure is not cached.
 * The clock is passed in so that tests can move it.
 */
export class ExpiringCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: { ttlMs: number; maxEntries: number; now?: () => number }) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** The cached answer for `key`, or a new one from `load`. */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.#now();
    const cached = this.#entries.get(key);
    if (cached && cached.expiresAt > now) return cached.value;
    this.#entries.delete(key);
    const value = load();
    // A Map iterates in insertion order: its first key is the oldest entry.
    while (this.#entries.size >= this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    const entry = { value, expiresAt: now + this.#ttlMs };
    this.#entries.set(key, entry);
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return value;
  }

  /** Forgets `key` (e.g. a key set that no longer holds the signing key). */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** How many keys are held. */
  get size(): number {
    return this.#entries.size;
  }
}
