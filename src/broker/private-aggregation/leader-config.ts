// The broker as Prio3 leader: its `privateAggregation` config block, and the keys and helper client built from it.
import { Buffer } from 'node:buffer';
import { z } from 'zod';
import { LEADER, type AggregatorDescriptor, type AggregatorKeys } from '../../private-aggregation/index.ts';
import { base64Bytes, readKeyFile } from './helper-config.ts';
import { httpHelperClient, type HelperClient } from './leader-collection.ts';

/**
 * `privateAggregation` in the broker config: the leader's own key file (`homedata helper-aggregator keygen`
 * writes the same format), the verify key it shares with the helper only, and where and who the helper is.
 */
export const leaderConfigSchema = z.strictObject({
  /** JSON key file `{ publicKey, privateKey }` (base64 X25519) of the leader. */
  keyFile: z.string().min(1),
  /** The VDAF verify key shared with the helper only, 16 bytes base64. */
  verifyKey: base64Bytes(16),
  helper: z.strictObject({
    /** Base URL of `homedata helper-aggregator`, ending in `/`. */
    url: z.url().refine((url) => url.endsWith('/'), 'helper.url ends in /'),
    /** The helper's WebID: residents grant it Read on their reports for a prio3 request. */
    webId: z.url(),
    /** The helper's HPKE public key (32 bytes base64), printed by its keygen. */
    publicKey: base64Bytes(32),
    /** The bearer token the helper expects from the leader; at least 32 characters. */
    token: z.string().min(32),
  }),
});
export type LeaderConfig = z.infer<typeof leaderConfigSchema>;

/** What a prio3 run needs: the leader's keys, both aggregators as homes see them, and the helper's client. */
export interface Prio3Leader {
  keys: AggregatorKeys;
  aggregators: readonly [leader: AggregatorDescriptor, helper: AggregatorDescriptor];
  helper: HelperClient;
}

/** Loads the leader's key file and builds its helper client; the leader's id is the broker's WebID. */
export async function loadLeader(config: LeaderConfig, brokerWebId: string): Promise<Prio3Leader> {
  const pair = await readKeyFile(config.keyFile);
  return {
    keys: {
      aggregatorId: LEADER,
      privateKey: pair.privateKey,
      verifyKey: Buffer.from(config.verifyKey, 'base64'),
    },
    aggregators: [
      { id: brokerWebId, publicKey: pair.publicKey },
      { id: config.helper.webId, publicKey: Buffer.from(config.helper.publicKey, 'base64') },
    ],
    helper: httpHelperClient(config.helper.url, config.helper.token),
  };
}
