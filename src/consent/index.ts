// Resident-side consent: grant, refuse, revoke, sweep and list, acting only with the resident's own Solid session.
// May import: the browser-safe faces of src/pod, src/vocab, src/metrics, src/broker/contract.ts and src/*.ts (the resident page bundles it).
export { type ResidentSession, findResidentPod } from './resident-session.ts';
export { BrokerClient } from './broker-client.ts';
export type { BrokerInfo, PublicRequest, ResidentConsent } from '../broker/contract.ts';
export {
  consentRecordQuads,
  isActive,
  parseConsentRecord,
  recordNodes,
  type ConsentRecord,
} from '../pod/browser.ts';
export { grantTargets } from '../pod/browser.ts';
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
