// The demo: one pod server with the fixture population, the broker and live gateways on localhost (`homedata demo`).
// A composition root: may import every part except src/cli.
export { runDemo, type DemoOptions, type RunningDemo } from './run-demo.ts';
export {
  readManifest,
  readIdentities,
  MANIFEST_FILE,
  IDENTITIES_FILE,
  type DemoManifest,
  type DemoIdentities,
} from './demo-files.ts';
