// The pod part's face for the in-process Community Solid Server, for composition roots (demo, CLI) and tests.
// Kept apart from ./index.ts so that a gateway, the broker or a CLI command does not load CSS just to be a Solid client.
export {
  startPodServer,
  type PodServer,
  type PodServerOptions,
  type AccessControlSystem,
} from './pod-server.ts';
export { startPodServerThread } from './pod-server-thread.ts';
