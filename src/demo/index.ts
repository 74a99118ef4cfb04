// The demo: one pod server with the fixture population, the broker and live gateways on localhost (`homedata demo`).
// A composition root: may import every part except src/cli. Its files alone (manifest, identities): ./files.ts.
export { runDemo, type DemoOptions, type RunningDemo } from './run-demo.ts';
