import { describe, expect, it } from 'vitest';
import { ExpiringCache } from '../../../src/broker/trust/expiring-cache.ts';

describe('ExpiringCache', () => {
  it('answers from the cache until the entry expires', async () => {
    let now = 0;
    let loads = 0;
    const cache = new ExpiringCache<number>({ ttlMs: 100, maxEntries: 10, now: () => now });
    const load = () => Promise.resolve(++loads);
    expect(await cache.get('a', load)).toBe(1);
    now = 99;
    expect(await cache.get('a', load)).toBe(1);
    now = 100;
    expect(await cache.get('a', load)).toBe(2);
  });

  it('shares one load between concurrent callers', async () => {
    let loads = 0;
    const cache = new ExpiringCache<number>({ ttlMs: 100, maxEntries: 10 });
    const load = () => new Promise<number>((resolve) => setTimeout(() => resolve(++loads), 5));
    expect(await Promise.all([cache.get('a', load), cache.get('a', load)])).toEqual([1, 1]);
  });

  it('never holds more than its bound, dropping the oldest first', async () => {
    const cache = new ExpiringCache<string>({ ttlMs: 1_000, maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd', 'e']) await cache.get(key, () => Promise.resolve(key));
    expect(cache.size).toBe(3);
    expect(await cache.get('a', () => Promise.resolve('reloaded'))).toBe('reloaded');
    expect(await cache.get('e', () => Promise.resolve('reloaded'))).toBe('e');
  });

  it('forgets a failed load, so the next caller tries again', async () => {
    const cache = new ExpiringCache<string>({ ttlMs: 1_000, maxEntries: 3 });
    await expect(cache.get('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('a', () => Promise.resolve('up'))).toBe('up');
  });
});
