import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * The import map (README, "Architecture"): for each part, a folder of src/, the faces of other parts it may import.
 * A face is a part's index.ts, or one of the few named faces beside it: pod/browser.ts and vocab/browser.ts (the
 * browser-safe subsets the resident page bundles), broker/contract.ts (the HTTP API's request schema and wire types,
 * for the broker's clients), and faces that keep a light command from loading a heavy part: pod/server.ts (the
 * in-process CSS), broker/helper-aggregator.ts (the Prio3 helper's server), broker/database-thread.ts (a new broker
 * database made on its own thread), gateway/replay.ts (CSV replay) and demo/files.ts (the manifest). Every part may import
 * the shared src/*.ts (errors, logging, HTTP problems, bounded concurrency, free ports); those import no part.
 */
export const IMPORT_MAP = {
  config: [],
  metrics: [],
  privacy: ['metrics/index.ts'],
  vocab: ['metrics/index.ts'],
  pod: ['vocab/browser.ts', 'metrics/index.ts'],
  fixtures: ['metrics/index.ts'],
  'private-aggregation': ['metrics/index.ts', 'privacy/index.ts', 'vocab/index.ts'],
  gateway: [
    'broker/contract.ts',
    'pod/index.ts',
    'vocab/index.ts',
    'metrics/index.ts',
    'private-aggregation/index.ts',
    'fixtures/index.ts',
    'config/index.ts',
  ],
  consent: ['pod/browser.ts', 'vocab/browser.ts', 'metrics/index.ts', 'broker/contract.ts'],
  broker: [
    'pod/index.ts',
    'vocab/index.ts',
    'metrics/index.ts',
    'privacy/index.ts',
    'private-aggregation/index.ts',
    'config/index.ts',
  ],
  web: ['consent/index.ts', 'pod/browser.ts', 'vocab/browser.ts', 'metrics/index.ts', 'broker/contract.ts'],
  demo: [
    'broker/index.ts',
    'broker/database-thread.ts',
    'consent/index.ts',
    'gateway/index.ts',
    'pod/index.ts',
    'pod/server.ts',
    'vocab/index.ts',
    'metrics/index.ts',
    'privacy/index.ts',
    'private-aggregation/index.ts',
    'fixtures/index.ts',
    'web/index.ts',
    'config/index.ts',
  ],
  cli: [
    'broker/index.ts',
    'broker/helper-aggregator.ts',
    'consent/index.ts',
    'gateway/index.ts',
    'gateway/replay.ts',
    'demo/index.ts',
    'demo/files.ts',
    'pod/index.ts',
    'pod/server.ts',
    'vocab/index.ts',
    'metrics/index.ts',
    'privacy/index.ts',
    'private-aggregation/index.ts',
    'fixtures/index.ts',
    'web/index.ts',
    'config/index.ts',
  ],
};

/** How deep below a part's folder its files sit (src/broker/db/schema/x.ts is 2). */
const MAX_DEPTH = 4; // today's deepest is 2; a file deeper than this is not checked

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `no-restricted-imports` patterns for a file of `part` (or of src/ itself when `part` is undefined) `depth` folders
 * below its part's folder. A relative specifier climbs to src/ with exactly `depth + 1` `../` (or `./` from src/
 * itself), so its next segment names the part it enters: an anchored regex tells another part from a subfolder of
 * one's own that happens to share its name (src/broker/private-aggregation/ against src/private-aggregation/).
 */
function importPatterns(part, depth) {
  const toSrc = part === undefined ? '\\./' : `(?:\\.\\./){${depth + 1}}`;
  const allowed = part === undefined ? [] : IMPORT_MAP[part];
  return Object.keys(IMPORT_MAP)
    .filter((other) => other !== part)
    .map((other) => {
      const faces = allowed.filter((face) => face.startsWith(`${other}/`));
      if (faces.length === 0) {
        return {
          regex: `^${toSrc}${escapeRegex(other)}/`,
          message: `${part ? `src/${part}` : 'src/*.ts'} may not import src/${other} (the import map: README, Architecture).`,
        };
      }
      const faceNames = faces.map((face) => escapeRegex(face.slice(other.length + 1))).join('|');
      return {
        regex: `^${toSrc}${escapeRegex(other)}/(?!(?:${faceNames})$)`,
        message: `src/${part} may import src/${other} only through ${faces.map((face) => `src/${face}`).join(' or ')} (the import map: README, Architecture).`,
      };
    });
}

/** One config block per part and depth, each with the patterns of that part at that depth. */
const importMapBlocks = [
  {
    files: ['src/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: importPatterns(undefined, 0) }] },
  },
  ...Object.keys(IMPORT_MAP).flatMap((part) =>
    Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => ({
      files: [`src/${part}/${'*/'.repeat(depth)}*.{ts,tsx}`],
      rules: { 'no-restricted-imports': ['error', { patterns: importPatterns(part, depth) }] },
    })),
  ),
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'web-dist/',
      '.homedata/',
      'test-artifacts/',
      'bench/comunica/',
      'src/pod/css-app.generated.cjs',
      'src/pod/css-app-closed.generated.cjs',
      'src/pod/css-app-acp.generated.cjs',
      'src/pod/css-app-acp-closed.generated.cjs',
      'scratch/',
      '**/.scratch/',
      // Files with deliberate import-map errors, linted by test/lint/import-map.test.ts as if they lived in src/.
      'test/lint/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Use an injected random source (CSPRNG in production).',
        },
      ],
    },
  },
  { files: ['src/web/**'], languageOptions: { globals: { ...globals.browser } } },
  ...importMapBlocks,
);
