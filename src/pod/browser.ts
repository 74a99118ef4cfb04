// The pod part's browser-safe face: Solid over HTTP (read, write, layout, WAC or ACP grants, Type Index, bounded fetch).
// Kept apart from ./index.ts, which adds Node-only client-credentials sessions, because the resident page bundles this one.
export { PodLayout } from './pod-layout.ts';
export {
  podRequest,
  readTurtle,
  linkTarget,
  isStorageRoot,
  findAclUrl,
  type TurtleDocument,
} from './resource-read.ts';
export { writeTurtle, patchInsert, deleteResource, ensureContainer } from './resource-write.ts';
export {
  discoverAccessControl,
  withSystem,
  setAgentModes,
  grantAccess,
  revokeAccess,
  readAgentModes,
  type AccessControlSystem,
  type AccessEditor,
  type AccessControlDocument,
} from './access-control.ts';
export type { AccessMode } from './wac.ts';
export { grantTargets, consentTargets, helperTargets, isCovered } from './grant-scope.ts';
export { setUpHomedataPod, gatewayTurtle, sensorIri, type DeviceDescription } from './homedata-pod.ts';
// The pod document formats, each read and written in one module.
export * from './formats/home-profile.ts';
export * from './formats/consent-record.ts';
export * from './formats/access-record.ts';
export * from './formats/daily-summary.ts';
export { DocumentFormatError } from './formats/document-format-error.ts';
export { defaultPrivateTypeIndex, typeRegistrationQuads, registerInTypeIndex } from './type-index.ts';
export {
  boundedFetch,
  cappedBody,
  isTimeout,
  type FetchBounds,
  type CappedBodyErrors,
} from './bounded-fetch.ts';
export * from './formats/request-offer.ts';
export * from './websocket-channel.ts';
export * from './inbox.ts';
export * from './notification-services.ts';
