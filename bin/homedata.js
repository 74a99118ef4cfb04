#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so a fresh clone needs no build step.
import { exitIfNodeTooOld } from './node-version.js';

// Checked before tsx and the CLI are loaded (dynamic imports below), since those fail on an old Node.
exitIfNodeTooOld();
const { register } = await import('tsx/esm/api');
register();
await import('../src/cli/main.ts');
