#!/usr/bin/env node
// The entry bin/homedata-gateway runs: the gateway's bundled build (dist/src/gateway-bundle/, scripts/build-node.js)
// when the build is current, else `homedata` as bin/homedata.js runs it (the per-module build or tsx). The bundle
// holds ~5 MB less heap (docs/gateway.md, "Sixth round"), which a board's gateway needs and the other commands not.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compiledBuildIsCurrent } from './compiled-build.js';
import { exitIfNodeTooOld } from './node-version.js';

exitIfNodeTooOld();

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist/src/gateway-bundle/main.js');
if (compiledBuildIsCurrent(root, process.env) && existsSync(bundle)) {
  await import(pathToFileURL(bundle).href);
} else {
  await import('./homedata.js');
}
