// The pod part: Solid over HTTP with the Node-only extras, client-credentials sessions and CSS's account API.
// May import: src/vocab/browser.ts, src/metrics and the shared src/*.ts; ./browser.ts is its browser-safe subset, ./server.ts the in-process CSS.
export * from './browser.ts';
export {
  loginWithClientCredentials,
  RELOGIN_INTERVAL_MS,
  type ClientCredentials,
  type SolidAgent,
  type AgentOptions,
} from './solid-session.ts';
export { nodeHttpFetch } from './node-http-fetch.ts';
export { AccountApi, type Identity, type AccountSpec } from './account-api.ts';
export {
  backoffDelay,
  isTransientStatus,
  retryAfterMs,
  retryDelay,
  retryTransient,
  type BackoffPolicy,
  type RetryPolicy,
} from './backoff.ts';
