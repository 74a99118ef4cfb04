// Retry timing for pod requests (gateway writes, broker reads): exponential backoff with jitter, and the server's
// Retry-After when it gives one.
import { PodError } from '../errors.ts';
import { uniform, type RandomSource } from '../random-source.ts';

/** How retries spread out. */
export interface BackoffPolicy {
  /** Delay before the first retry, before jitter. */
  baseMs: number;
  /** Longest delay between two attempts. */
  maxMs: number;
}

/** Server hints above this are capped: a misconfigured proxy must not park the outbox for days. */
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * Delay before retry number `attempt` (1, 2, …): the exponential step min(max, base · 2^(attempt−1)), half of it
 * fixed and half random ("equal jitter"), so gateways that failed together do not retry together yet never spin.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: RandomSource): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return step / 2 + uniform(random) * (step / 2);
}

/** A `Retry-After` header (delay in seconds, or an HTTP date) in ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  const delay = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now.getTime();
  if (Number.isNaN(delay)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, delay));
}

/** The wait before the next attempt: the backoff, or longer if the server asked for longer. */
export function retryDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: RandomSource,
  serverHintMs?: number,
): number {
  const delay = backoffDelay(attempt, policy, random);
  return serverHintMs === undefined ? delay : Math.max(delay, serverHintMs);
}

/** Statuses that say "later", not "never": the server failed (5xx), timed out (408) or asks for less (429). */
export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** How often, and how far apart, a repeatable pod operation is tried. */
export interface RetryPolicy extends BackoffPolicy {
  attempts: number;
  random: RandomSource;
}

/**
 * Runs a pod operation that is safe to repeat (a PUT, an insert-only N3 Patch, a login) until it succeeds, trying
 * it again after a backoff while it fails with a PodError of a transient status; the last failure is handed on.
 */
export async function retryTransient<T>(operation: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const status = error instanceof PodError ? error.context.podStatus : undefined;
      if (typeof status !== 'number' || !isTransientStatus(status) || attempt >= policy.attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, policy, policy.random)));
    }
  }
}
