// When a failed delivery is tried again: 5 s, 30 s, 2 min, 10 min, 1 h, then hourly, with jitter, for 24 h.
import { uniform, type RandomSource } from '../../privacy/index.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Waits after the 1st, 2nd, … failed attempt; the last repeats. Quick at first (a receiver restarting), then
 * hourly, as Standard Webhooks' guidance and the big senders (Svix, Stripe) do.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [5 * SECOND, 30 * SECOND, 2 * MINUTE, 10 * MINUTE, HOUR];

/** How long after its series began a delivery is tried at all (the issue: 24 h). */
export const RETRY_WINDOW_MS = 24 * HOUR;

/** Jitter of ±20 %: deliveries that failed together (a receiver down) do not all come back in one burst. */
const JITTER = 0.2;

/**
 * When to try a delivery again after its `attempts`-th failed attempt at `now`, or null when the next try would
 * fall past `RETRY_WINDOW_MS` after `queuedAt` (then it is given up). A draw of 2³¹ (one half) means no jitter.
 */
export function nextAttemptAt(
  attempts: number,
  now: Date,
  queuedAt: Date,
  random: RandomSource,
): Date | null {
  const base = RETRY_SCHEDULE_MS[Math.min(Math.max(attempts, 1), RETRY_SCHEDULE_MS.length) - 1]!;
  const wait = Math.round(base * (1 + JITTER * (2 * uniform(random) - 1)));
  const next = now.getTime() + wait;
  return next > queuedAt.getTime() + RETRY_WINDOW_MS ? null : new Date(next);
}
