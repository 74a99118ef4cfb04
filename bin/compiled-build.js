// Whether the compiled CLI in dist/ (scripts/build-node.js) may run: it exists and no source file is newer.
// Plain JavaScript with only node: imports, so bin/homedata.js can ask before loading tsx or the CLI.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether `root`/dist holds a build newer than every file under `root`/src. A stale build never runs: an edited
 * source file sends `homedata` back to tsx until the next `npm run build:node`. `HOMEDATA_FROM_SOURCE=1` in `env`
 * runs the sources anyway.
 * @param {string} root the project folder
 * @param {Record<string, string | undefined>} env the environment
 * @returns {boolean}
 */
export function compiledBuildIsCurrent(root, env) {
  if (env.HOMEDATA_FROM_SOURCE === '1') return false;
  let builtAt;
  try {
    builtAt = Number(readFileSync(join(root, 'dist/built-at'), 'utf8'));
  } catch {
    return false;
  }
  if (!Number.isFinite(builtAt)) return false;
  for (const entry of readdirSync(join(root, 'src'), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    if (statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs > builtAt) return false;
  }
  return true;
}
