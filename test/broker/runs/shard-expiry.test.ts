// How long a shard job may stay active before pg-boss hands it to another process: bounded by the shard's homes.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../src/broker/config.ts';
import { DEFAULT_HOME_CONCURRENCY } from '../../../src/broker/runs/run-executor.ts';
import { shardExpirySeconds } from '../../../src/broker/runs/pg-boss-queue.ts';

describe('shard expiry', () => {
  it('gives a shard one home deadline per round of homes read at once, plus slack for its database work', () => {
    // 25 homes, 8 at a time: 4 rounds of 60 s.
    expect(shardExpirySeconds(DEFAULT_LIMITS, DEFAULT_HOME_CONCURRENCY)).toBe(4 * 60 + 10);
    expect(shardExpirySeconds({ runShardSize: 8, homeDeadlineMs: 60_000 }, 8)).toBe(60 + 10);
    expect(shardExpirySeconds({ runShardSize: 9, homeDeadlineMs: 60_000 }, 8)).toBe(2 * 60 + 10);
    expect(shardExpirySeconds({ runShardSize: 2, homeDeadlineMs: 1_500 }, 8)).toBe(2 + 10);
  });
});
