// The consent broker: councils file requests, residents' consents are verified in their pods, every pod read is audited.
// May import: src/pod, src/vocab, src/metrics, src/privacy, src/private-aggregation, src/config and the shared src/*.ts.
// Other faces: ./contract.ts (the HTTP API's types, for clients), ./helper-aggregator.ts (the Prio3 helper's server),
// ./database-thread.ts (a new embedded database made on a thread of its own, before the broker is loaded).
export { startBroker, type BrokerAgent, type BrokerDeps, type RunningBroker } from './start-broker.ts';
export {
  brokerConfigSchema,
  databaseTarget,
  loadBrokerConfig,
  parseBrokerConfig,
  DEFAULT_AUDIT_KEY_FILE,
  DEFAULT_DB_DIR,
  DEFAULT_RETENTION,
  DEFAULT_K_FLOOR,
  DEFAULT_PURPOSES,
  type BrokerConfig,
  type BrokerConfigInput,
  type DatabaseOptions,
} from './config.ts';
export type { Database, Queryable } from './db/database.ts';
export { openBrokerDatabase, describeTarget, type DatabaseTarget } from './db/open-database.ts';
export {
  addCouncil,
  revokeCouncilKey,
  rotateCouncilKey,
  type NewCouncil,
} from './councils/council-transactor.ts';
export type { Council } from './councils/council-reader.ts';
export { enrolHome, removeHome } from './homes/home-register-transactor.ts';
export { listEnrolledHomes } from './homes/home-register-reader.ts';
export type { EnrolledHomeRow } from './db/schema/enrolled-homes.ts';
export { verifyAuditLog, countAuditRows, type AuditVerdict } from './audit/audit-reader.ts';
export { loadAuditKey } from './audit/audit-key.ts';
export { AuditChainBrokenError, AuditPodMismatchError, describeFinding } from './audit/audit-errors.ts';
export { checkAuditAgainstPods, type PodAuditFinding, type PodAuditReport } from './audit/pod-audit-check.ts';
export { pruneExpired, type PruneOutcome } from './retention.ts';
export { listActiveConsents, countActiveConsents } from './consents/consent-reader.ts';
export {
  AuditedPodReader,
  type PodDocument,
  type BodyParser,
  type ReadOptions,
} from './pod-access/audited-pod-reader.ts';
export {
  DEFAULT_POD_ACCESS,
  podAccessConfigSchema,
  type PodAccessLimits,
} from './pod-access/pod-access-limits.ts';
export type { LeaderConfig } from './private-aggregation/leader-config.ts';
export { writeNewKeyFile } from './private-aggregation/helper-config.ts';
export type { BrokerInfo, PublicRequest } from './contract.ts';
