// The demo's files face: the manifest (demo.json) and secrets (identities.json), for commands acting on a running demo.
// Kept apart from ./index.ts, which loads the pod server and the broker to start the demo.
export {
  readManifest,
  readIdentities,
  MANIFEST_FILE,
  IDENTITIES_FILE,
  type DemoManifest,
  type DemoIdentities,
} from './demo-files.ts';
