// Unit tests: exponential backoff with jitter, Retry-After, and which pod answers are retried.
import { describe, expect, it } from 'vitest';
import { backoffDelay, retryAfterMs, retryDelay, retryTransient } from '../../src/pod/backoff.ts';
import { PodError } from '../../src/errors.ts';
import { failureOutcome } from '../../src/gateway/pod-writer.ts';
import { fixedDraw } from '../helpers/fixed-random.ts';

const policy = { baseMs: 1000, maxMs: 60_000 };

describe('backoff', () => {
  it('doubles per attempt, with half of each step random', () => {
    expect(backoffDelay(1, policy, fixedDraw(0))).toBe(500);
    expect(backoffDelay(1, policy, fixedDraw(0.999999))).toBeCloseTo(1000, 0);
    expect(backoffDelay(2, policy, fixedDraw(0))).toBe(1000);
    expect(backoffDelay(5, policy, fixedDraw(0))).toBe(8000);
  });

  it('never waits longer than the maximum', () => {
    expect(backoffDelay(30, policy, fixedDraw(0.999999))).toBeLessThanOrEqual(60_000);
    expect(backoffDelay(30, policy, fixedDraw(0))).toBe(30_000);
  });

  it('spreads gateways that failed together', () => {
    const delays = [0.1, 0.5, 0.9].map((draw) => backoffDelay(3, policy, fixedDraw(draw)));
    expect(new Set(delays).size).toBe(3);
  });

  it('reads Retry-After as seconds or an HTTP date, capped at an hour', () => {
    const now = new Date('2026-01-15T12:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Thu, 15 Jan 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Thu, 15 Jan 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('999999', now)).toBe(3_600_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it('waits at least as long as the server asked', () => {
    expect(retryDelay(1, policy, fixedDraw(0), 45_000)).toBe(45_000);
    expect(retryDelay(4, policy, fixedDraw(0), 100)).toBe(4000);
  });
});

describe('pod write failures', () => {
  const now = new Date('2026-01-15T12:00:00Z');

  it('retries network errors, 5xx, 408 and 429, honouring Retry-After', () => {
    expect(failureOutcome('Pod server unreachable', undefined, null, now)).toEqual({
      kind: 'retry',
      reason: 'Pod server unreachable',
    });
    expect(failureOutcome('busy', 503, '7', now)).toEqual({
      kind: 'retry',
      reason: 'busy',
      retryAfterMs: 7000,
    });
    expect(failureOutcome('slow down', 429, 'Thu, 15 Jan 2026 12:01:00 GMT', now)).toEqual({
      kind: 'retry',
      reason: 'slow down',
      retryAfterMs: 60_000,
    });
    expect(failureOutcome('timeout', 408, null, now).kind).toBe('retry');
    expect(failureOutcome('bug', 500, null, now).kind).toBe('retry');
  });

  it('refuses other 4xx for good, so the batch is quarantined and not retried forever', () => {
    for (const status of [400, 401, 403, 404, 409, 413, 415, 422]) {
      expect(failureOutcome('no', status, '5', now)).toEqual({ kind: 'refused', reason: 'no', status });
    }
  });
});

describe('retryTransient', () => {
  const quick = { attempts: 3, baseMs: 1, maxMs: 2, random: fixedDraw(0) };
  /** An operation that fails with the given pod statuses in turn, then answers 'done'; counts its calls. */
  const failing = (...statuses: number[]) => {
    const calls = { count: 0 };
    const operation = async () => {
      const status = statuses[calls.count++];
      if (status !== undefined)
        throw new PodError('pod said no', { url: 'http://pod.example/x', podStatus: status });
      return 'done';
    };
    return { calls, operation };
  };

  it('tries a transient failure (5xx, 408, 429) again until it passes', async () => {
    const { calls, operation } = failing(500, 429);
    await expect(retryTransient(operation, quick)).resolves.toBe('done');
    expect(calls.count).toBe(3);
  });

  it('hands a refusal on at once, and a transient failure after the last attempt', async () => {
    const refused = failing(404);
    await expect(retryTransient(refused.operation, quick)).rejects.toMatchObject({
      context: { podStatus: 404 },
    });
    expect(refused.calls.count).toBe(1);
    const down = failing(503, 503, 503, 503);
    await expect(retryTransient(down.operation, quick)).rejects.toMatchObject({
      context: { podStatus: 503 },
    });
    expect(down.calls.count).toBe(3);
  });
});
