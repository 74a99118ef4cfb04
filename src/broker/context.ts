// What every route and service of a running broker shares, built once in start-broker.ts and passed down.
import type { SolidTokenVerifierFunction } from '@solid/access-token-verifier';
import type { Logger } from '../logging.ts';
import type { BrokerConfig } from './config.ts';
import type { Database } from './db/database.ts';
import type { AuditedPodReader } from './pod-access/audited-pod-reader.ts';
import type { ConsentWatcher } from './consent-watches/consent-watcher.ts';
import type { RequestOfferSender } from './offers/request-offer-sender.ts';
import type { Prio3Leader } from './private-aggregation/leader-config.ts';
import type { RunQueue } from './runs/run-queue.ts';
import type { TrustPolicy } from './trust/trust-policy.ts';

export interface BrokerContext {
  config: BrokerConfig;
  /** The issuers and pod servers the operator trusts, normalised once from `config.trust`. */
  trust: TrustPolicy;
  /** The base URL clients call, ending in `/`. */
  publicUrl: string;
  db: Database;
  /** The broker's clock; tests move it to see consents expire. */
  clock: () => Date;
  logger: Logger;
  /** The only way to read a resident's pod. */
  reader: AuditedPodReader;
  /** Checks residents' Solid-OIDC DPoP-bound access tokens. */
  verifyResident: SolidTokenVerifierFunction;
  /** Where new aggregation runs go to be executed. */
  runs: RunQueue;
  /** Offers each new request to the inboxes of the enrolled homes in its areas, in the background. */
  offers: Pick<RequestOfferSender, 'announce'>;
  /** Webhook subscriptions on indexed consent records, and the notifications they bring. */
  watches: Pick<ConsentWatcher, 'watch' | 'notified'>;
  /** The broker as Prio3 leader, when `privateAggregation` is configured. */
  prio3?: Prio3Leader;
}
