// Builds the resident and council pages into web-dist/: per page one esbuild bundle (app.js, app.css) and its HTML.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { exitIfNodeTooOld } from '../bin/node-version.js';

// `npm start` and `npm test` run this build first: an old Node hears why here, not from vitest or the CLI.
exitIfNodeTooOld();

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Node built-ins the bundled shared code uses, and the browser modules standing in for them. */
const BROWSER_SHIMS = { 'node:crypto': join(ROOT, 'src/web/shims/node-crypto.ts') };

/**
 * An esbuild plugin resolving each shimmed built-in to its browser stand-in, and zod's index of 40-odd message
 * locales (re-exported as one namespace, so never tree-shaken: half the council page) to English alone.
 */
const browserShims = {
  name: 'browser-shims',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(BROWSER_SHIMS).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: BROWSER_SHIMS[args.path] }));
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)
        ? { path: join(ROOT, 'src/web/shims/zod-locales.ts') }
        : undefined,
    );
  },
};

/** The pages, each built from `src/web/<page>/main.tsx` and `index.html` into `web-dist/<page>/`. */
export const PAGES = ['resident', 'council'];

/**
 * Bundles every page. Minified with linked source maps: the pages stay small on a phone and debuggable.
 * @param {{ outDir?: string, minify?: boolean }} [options]
 * @returns {Promise<Record<string, number>>} bytes per output file, relative to outDir
 */
export async function buildWeb({ outDir = join(ROOT, 'web-dist'), minify = true } = {}) {
  await rm(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: PAGES.map((page) => ({ in: `src/web/${page}/main.tsx`, out: `${page}/app` })),
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify,
    sourcemap: 'linked',
    metafile: true,
    // Libraries that check NODE_ENV drop their development-only code.
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [browserShims],
    logLevel: 'warning',
  });
  await Promise.all(
    PAGES.map(async (page) => {
      await mkdir(join(outDir, page), { recursive: true });
      await copyFile(join(ROOT, 'src/web', page, 'index.html'), join(outDir, page, 'index.html'));
    }),
  );
  const sizes = {};
  for (const [file, { bytes }] of Object.entries(result.metafile.outputs)) {
    if (!file.endsWith('.map')) sizes[relative(outDir, resolve(ROOT, file))] = bytes;
  }
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await buildWeb();
  for (const [file, bytes] of Object.entries(sizes)) {
    process.stdout.write(`${file.padEnd(24)} ${(bytes / 1024).toFixed(1).padStart(7)} KiB\n`);
  }
}
