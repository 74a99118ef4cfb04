#!/usr/bin/env node
// Runs the CLI compiled in dist/ (scripts/build-node.js) when that build is current, else the TypeScript through tsx,
// so a fresh clone needs no build step and an edited source file is never run from a stale build.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitIfNodeTooOld } from './node-version.js';

// Checked before tsx and the CLI are loaded (dynamic imports below), since those fail on an old Node.
exitIfNodeTooOld();

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Whether dist/ holds a build newer than every source file. Compiled, a process needs no tsx (~35 MB of RSS less,
 * what a long-running gateway cares about); `HOMEDATA_FROM_SOURCE=1` runs the sources anyway.
 * @returns {boolean}
 */
function compiledIsCurrent() {
  if (process.env.HOMEDATA_FROM_SOURCE === '1') return false;
  let builtAt;
  try {
    builtAt = Number(readFileSync(join(ROOT, 'dist/built-at'), 'utf8'));
  } catch {
    return false;
  }
  const src = join(ROOT, 'src');
  for (const entry of readdirSync(src, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    if (statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs > builtAt) return false;
  }
  return true;
}

if (compiledIsCurrent()) {
  await import('../dist/src/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
