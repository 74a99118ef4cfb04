// The pod part's face for the in-process Community Solid Server, for composition roots (demo, CLI).
// Kept apart from ./index.ts so that a gateway, the broker or a CLI command does not load CSS just to be a Solid client.
// The server runs on a thread of its own; only types come from pod-server.ts here, so the calling thread never loads
// CSS's modules itself (measured: loading them twice made a demo restart 4 s slower).
export { startPodServerThread } from './pod-server-thread.ts';
export type { PodServer, PodServerOptions, AccessControlSystem } from './pod-server.ts';
