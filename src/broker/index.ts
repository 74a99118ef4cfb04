// The consent broker: councils file requests, residents' consents are verified in their pods, every pod read is audited.
// May import: src/pod, src/vocab, src/metrics, src/privacy, src/config, src/errors, src/logging — never consent, gateway, web or cli.
export { startBroker, type BrokerAgent, type BrokerDeps, type RunningBroker } from './start-broker.ts';
export {
  brokerConfigSchema,
  databaseTarget,
  loadBrokerConfig,
  parseBrokerConfig,
  DEFAULT_DB_DIR,
  DEFAULT_K_FLOOR,
  DEFAULT_PURPOSES,
  type BrokerConfig,
  type BrokerConfigInput,
  type DatabaseOptions,
} from './config.ts';
export type { Database, Queryable } from './db/database.ts';
export { openBrokerDatabase, describeTarget, type DatabaseTarget } from './db/open-database.ts';
export { addCouncil, type NewCouncil } from './councils/council-transactor.ts';
export type { Council } from './councils/council-reader.ts';
export { enrolHome, removeHome } from './homes/home-register-transactor.ts';
export { listEnrolledHomes } from './homes/home-register-reader.ts';
export type { EnrolledHomeRow } from './db/schema/enrolled-homes.ts';
export { verifyAuditLog, countAuditRows, type AuditVerdict } from './audit/audit-reader.ts';
export { listActiveConsents, countActiveConsents } from './consents/consent-reader.ts';
export {
  AuditedPodReader,
  type PodDocument,
  type BodyParser,
  type ReadOptions,
} from './pod-access/audited-pod-reader.ts';
