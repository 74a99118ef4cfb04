// Unit: bin/homedata.js runs the compiled CLI only while dist/ is newer than every source file.
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compiledBuildIsCurrent } from '../../bin/compiled-build.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'homedata-compiled-build-'));
  await mkdir(join(root, 'src/gateway'), { recursive: true });
  await writeFile(join(root, 'src/gateway/outbox-writer.ts'), 'export {};\n');
  await writeFile(join(root, 'src/errors.ts'), 'export {};\n');
  const past = new Date(Date.now() - 60_000);
  await utimes(join(root, 'src/gateway/outbox-writer.ts'), past, past);
  await utimes(join(root, 'src/errors.ts'), past, past);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Writes dist/built-at as a build at `at` would. */
async function built(at: number): Promise<void> {
  await mkdir(join(root, 'dist'), { recursive: true });
  await writeFile(join(root, 'dist/built-at'), `${at}\n`);
}

describe('compiledBuildIsCurrent', () => {
  it('runs the sources when nothing was built', () => {
    expect(compiledBuildIsCurrent(root, {})).toBe(false);
  });

  it('runs the build when it is newer than every source file', async () => {
    await built(Date.now());
    expect(compiledBuildIsCurrent(root, {})).toBe(true);
  });

  it('runs the sources once any source file, however deep, is newer than the build', async () => {
    await built(Date.now() - 30_000);
    expect(compiledBuildIsCurrent(root, {})).toBe(true);
    await writeFile(join(root, 'src/gateway/outbox-writer.ts'), 'export const edited = 1;\n');
    expect(compiledBuildIsCurrent(root, {})).toBe(false);
  });

  it('runs the sources when HOMEDATA_FROM_SOURCE=1, whatever the build', async () => {
    await built(Date.now());
    expect(compiledBuildIsCurrent(root, { HOMEDATA_FROM_SOURCE: '1' })).toBe(false);
  });
});
