// Resident-side consent: grant, refuse, revoke, sweep and list, acting only with the resident's own Solid session.
// May import: src/pod, src/vocab (terms, turtle), src/metrics (catalogue), src/errors — never broker internals or the gateway; no Node-only modules (the resident page bundles it).
export { type ResidentSession, findResidentPod } from './resident-session.ts';
export { BrokerClient } from './broker-client.ts';
export type { BrokerInfo, PublicRequest, ResidentConsent } from '../api/broker-api.ts';
export {
  consentRecordQuads,
  isActive,
  parseConsentRecord,
  recordNodes,
  type ConsentRecord,
} from '../pod/formats/consent-record.ts';
export { grantTargets } from '../pod/grant-scope.ts';
export {
  layoutOf,
  listConsentRecords,
  listConsents,
  readConsentRecord,
  standingOf,
  type ConsentContext,
  type ConsentListing,
  type ConsentStanding,
} from './consent-reader.ts';
export {
  grantConsent,
  refuseConsent,
  revokeConsent,
  sweepConsents,
  type GrantOutcome,
  type WithdrawOutcome,
} from './consent-writer.ts';
export { GrantRollbackError, type GrantLeftover } from './consent-errors.ts';
