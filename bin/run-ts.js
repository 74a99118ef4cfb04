#!/usr/bin/env node
// Runs one TypeScript entry point (benchmarks, scripts) through tsx.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { exitIfNodeTooOld } from './node-version.js';

// Checked before tsx is loaded (a dynamic import below), since it fails on an old Node.
exitIfNodeTooOld();
const { register } = await import('tsx/esm/api');

register();
const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: run-ts.js FILE.ts [args...]');
  process.exit(2);
}
process.argv = [process.argv[0], entry, ...rest];
await import(pathToFileURL(resolve(entry)).href);
