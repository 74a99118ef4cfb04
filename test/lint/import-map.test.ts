// The import map is the linter's to hold: `npm run lint` fails on a wrong arrow between parts or a deep import.
import { access, readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// The ESLint config is plain JavaScript, which tsc does not read (no allowJs): its map is typed here.
const CONFIG_PATH = '../../eslint.config.js';
const { IMPORT_MAP } = (await import(CONFIG_PATH)) as { IMPORT_MAP: Record<string, readonly string[]> };
const eslint = new ESLint({ cwd: ROOT });

/** Lints source text with the repository's real config as if it were the file at `asPath` (relative to the root). */
async function importErrors(source: string, asPath: string): Promise<{ line: number; message: string }[]> {
  const [result] = await eslint.lintText(source, { filePath: `${ROOT}${asPath}` });
  return (result?.messages ?? []).map((message) => {
    expect(message.ruleId).toBe('no-restricted-imports');
    return { line: message.line, message: message.message };
  });
}

/** A fixture file's text: the fixtures sit where the normal lint ignores them, their imports resolve only in src/. */
function fixture(name: string): Promise<string> {
  return readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
}

describe('the import map', () => {
  it('fails web code that imports broker internals, the gateway, a Node-only face or a part file', async () => {
    const errors = await importErrors(
      await fixture('web-wrong-arrows.ts'),
      'src/web/council/wrong-arrows.ts',
    );
    expect(errors.map((error) => error.line)).toEqual([2, 3, 4, 5, 6]);
    expect(errors[0]?.message).toMatch(
      /src\/web may import src\/broker only through src\/broker\/contract\.ts/,
    );
    expect(errors[1]?.message).toMatch(/src\/web may import src\/pod only through src\/pod\/browser\.ts/);
    expect(errors[3]?.message).toMatch(/src\/web may not import src\/gateway/);
  });

  it('passes web code that imports only through the faces the map allows it', async () => {
    expect(
      await importErrors(await fixture('web-right-arrows.ts'), 'src/web/council/right-arrows.ts'),
    ).toEqual([]);
  });

  it.each([
    ['src/vocab/terms-extra.ts', '../pod/index.ts', /src\/vocab may not import src\/pod/],
    ['src/metrics/extra.ts', '../vocab/index.ts', /src\/metrics may not import src\/vocab/],
    ['src/privacy/extra.ts', '../broker/index.ts', /src\/privacy may not import src\/broker/],
    [
      'src/gateway/extra.ts',
      '../broker/index.ts',
      /src\/gateway may import src\/broker only through src\/broker\/contract\.ts/,
    ],
    ['src/gateway/extra.ts', '../consent/index.ts', /src\/gateway may not import src\/consent/],
    ['src/broker/extra.ts', '../gateway/index.ts', /src\/broker may not import src\/gateway/],
    ['src/consent/extra.ts', '../pod/index.ts', /only through src\/pod\/browser\.ts/],
    ['src/gateway/extra.ts', '../pod/pod-server.ts', /only through src\/pod\/index\.ts/],
    ['src/broker/db/schema/extra.ts', '../../../pod/resource-read.ts', /only through src\/pod\/index\.ts/],
    [
      'src/broker/runs/extra.ts',
      '../../private-aggregation/prio3-sum.ts',
      /through src\/private-aggregation\/index\.ts/,
    ],
    ['src/extra.ts', './pod/index.ts', /src\/\*\.ts may not import src\/pod/],
    ['src/demo/extra.ts', '../cli/main.ts', /src\/demo may not import src\/cli/],
    ['src/web/council/extra.tsx', '../../gateway/index.ts', /src\/web may not import src\/gateway/],
  ])('fails %s importing %s', async (asPath, specifier, message) => {
    const errors = await importErrors(`export * from '${specifier}';\n`, asPath);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(message);
  });

  it.each([
    ['src/broker/runs/extra.ts', '../private-aggregation/helper-app.ts'],
    ['src/broker/runs/extra.ts', '../../pod/index.ts'],
    ['src/gateway/extra.ts', '../fixtures/index.ts'],
    ['src/cli/extra.ts', '../pod/server.ts'],
    ['src/pod/extra.ts', '../errors.ts'],
  ])('passes %s importing %s', async (asPath, specifier) => {
    expect(await importErrors(`export * from '${specifier}';\n`, asPath)).toEqual([]);
  });
});

describe('the import map as declared', () => {
  const PARTS = Object.keys(IMPORT_MAP);

  it('covers every folder of src/, so no new part goes unchecked, and every face it names exists', async () => {
    const folders = (await readdir(new URL('../../src/', import.meta.url), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect([...PARTS].sort()).toEqual(folders.sort());
    const faces = new Set([
      ...Object.values(IMPORT_MAP).flat(),
      ...PARTS.filter((p) => p !== 'cli').map((p) => `${p}/index.ts`),
    ]);
    for (const face of faces)
      await expect(access(new URL(`../../src/${face}`, import.meta.url))).resolves.toBeUndefined();
  });

  it("is the README's table, row by row", async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = new Map(
      [...readme.matchAll(/^\| `src\/([a-z-]+)\/` +\|[^|]+\|([^|]+)\|$/gm)].map((match) => [
        match[1],
        match[2]!,
      ]),
    );
    const everyIndex = PARTS.filter((part) => part !== 'cli').map((part) => `${part}/index.ts`);
    for (const part of PARTS) {
      const cell = rows.get(part);
      expect(cell, `README row for src/${part}/`).toBeDefined();
      let expected = [...cell!.matchAll(/`([a-z-]+(?:\/[a-z-]+\.ts)?)`/g)].map(([, name]) =>
        name!.endsWith('.ts') ? name! : `${name}/index.ts`,
      );
      // The composition roots' rows say "every part" (the demo's: but `cli`) and name the extra faces they use.
      if (/every part/.test(cell!)) {
        const extraFaces = expected.filter((face) => !face.endsWith('/index.ts'));
        expected = [...everyIndex.filter((face) => face !== `${part}/index.ts`), ...extraFaces];
      }
      expect(new Set(IMPORT_MAP[part]), `src/${part}/`).toEqual(new Set(expected));
    }
  });
});
