// The retry schedule of webhook deliveries: 5 s, 30 s, 2 min, 10 min, 1 h, then hourly, jittered, for 24 h.
import { describe, expect, it } from 'vitest';
import { nextAttemptAt, RETRY_WINDOW_MS } from '../../../src/broker/webhooks/webhook-backoff.ts';
import { fixedDraw } from '../../helpers/fixed-random.ts';

const start = new Date('2026-11-29T09:00:00Z');
const after = (ms: number) => new Date(start.getTime() + ms);
const noJitter = fixedDraw(0.5);

describe('webhook retry backoff', () => {
  it('waits 5 s, 30 s, 2 min, 10 min, 1 h, then every hour', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7].map(
      (attempts) => nextAttemptAt(attempts, start, start, noJitter)!.getTime() - start.getTime(),
    );
    expect(waits).toEqual([5_000, 30_000, 120_000, 600_000, 3_600_000, 3_600_000, 3_600_000]);
  });

  it('jitters each wait by at most 20 %', () => {
    const low = nextAttemptAt(2, start, start, fixedDraw(0))!.getTime() - start.getTime();
    const high = nextAttemptAt(2, start, start, fixedDraw(0.999_999))!.getTime() - start.getTime();
    expect(low).toBe(24_000);
    expect(high).toBeGreaterThan(35_900);
    expect(high).toBeLessThanOrEqual(36_000);
  });

  it('gives up once the next try would fall past 24 h after the series began', () => {
    expect(nextAttemptAt(20, after(RETRY_WINDOW_MS - 3_600_000), start, noJitter)).toEqual(
      after(RETRY_WINDOW_MS),
    );
    expect(nextAttemptAt(20, after(RETRY_WINDOW_MS - 3_599_000), start, noJitter)).toBeNull();
  });

  it('keeps trying for about 24 h: 5 + 24 attempts when the receiver never answers', () => {
    let now = start;
    let attempts = 1;
    for (;;) {
      const next = nextAttemptAt(attempts, now, start, noJitter);
      if (next === null) break;
      now = next;
      attempts++;
    }
    expect(attempts).toBeGreaterThanOrEqual(24);
    expect(now.getTime() - start.getTime()).toBeLessThanOrEqual(RETRY_WINDOW_MS);
    expect(now.getTime() - start.getTime()).toBeGreaterThan(RETRY_WINDOW_MS - 3_600_000);
  });
});
