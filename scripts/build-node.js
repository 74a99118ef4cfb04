// Compiles src/ to JavaScript in dist/src/ (one file per module, same layout), so `homedata` runs without tsx (~35 MB of RSS less per process),
// and bundles the CLI for the small-board gateway into dist/src/gateway-bundle/.
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { exitIfNodeTooOld } from '../bin/node-version.js';

exitIfNodeTooOld();

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');

/** Files under `dir` (recursively) whose names end with `suffix`. */
async function filesUnder(dir, suffix) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix) && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

/**
 * Keeps every import as it is (packages stay in node_modules, one output file per source file) and points
 * relative `.ts` imports at the `.js` file compiled beside them.
 */
const keepImports = {
  name: 'keep-imports',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (args.path.startsWith('.')) return { path: args.path.replace(/\.tsx?$/, '.js'), external: true };
      return { path: args.path, external: true };
    });
  },
};

await rm(DIST, { recursive: true, force: true });
const sources = [
  ...(await filesUnder(join(ROOT, 'src'), '.ts')),
  ...(await filesUnder(join(ROOT, 'src'), '.tsx')),
];
await build({
  entryPoints: sources,
  outdir: DIST,
  outbase: ROOT,
  bundle: true,
  plugins: [keepImports],
  format: 'esm',
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  sourcemap: 'linked',
  logLevel: 'warning',
});
// The small-board gateway's build (bin/homedata-gateway): the CLI with its packages bundled, tree-shaken and minified,
// split at its dynamic imports so `gateway run` loads only its own chunks. V8 keeps every module's source (for lazy
// compilation) and records per module: in a running gateway this held ~5 MB less heap than the ~600 files it loads
// one by one (docs/gateway.md, "Sixth round"). Two levels under dist/ like dist/src/cli/, so `../../vocab/` still
// resolves; the outbox upgrade is an entry of its own, since outbox-upgrade-process.ts starts it beside itself.
// Native and WebAssembly packages stay in node_modules: they find their files beside their own modules.
await build({
  entryPoints: {
    main: join(DIST, 'src/cli/main.js'),
    'outbox-upgrade-main': join(DIST, 'src/gateway/outbox-upgrade-main.js'),
  },
  outdir: join(DIST, 'src/gateway-bundle'),
  bundle: true,
  splitting: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', '@electric-sql/pglite'],
  // CommonJS packages inside an ES module bundle call `require` for Node's built-ins.
  banner: {
    js: "import { createRequire as homedataCreateRequire } from 'node:module'; const require = homedataCreateRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  logLevel: 'error',
});
// Modules find data by relative URLs, beside them (`./migrations/`, `./css-app.generated.cjs`) or above
// (`../../vocab/shapes.ttl`, `../../web-dist/`, `../../bin/run-ts.js`): dist/ links each such file and folder, so
// those URLs resolve from dist/src/ as from src/.
for (const folder of ['vocab', 'web-dist', 'bin']) {
  await symlink(join(ROOT, folder), join(DIST, folder), 'dir');
}
const entries = await readdir(join(ROOT, 'src'), { withFileTypes: true, recursive: true });
for (const entry of entries) {
  if (!entry.isFile() || /\.tsx?$/.test(entry.name)) continue;
  const source = join(entry.parentPath ?? entry.path, entry.name);
  const target = join(DIST, relative(ROOT, source));
  await mkdir(dirname(target), { recursive: true });
  await symlink(source, target);
}
// The build's time: bin/homedata.js runs dist/ only while no source file is newer (a stale build never runs).
await writeFile(join(DIST, 'built-at'), `${Date.now()}\n`);
process.stdout.write(`compiled ${sources.length} modules into dist/src/\n`);
