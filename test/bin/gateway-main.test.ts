// bin/homedata-gateway runs the gateway's bundle only while the build is current and there, else `homedata` as bin/homedata.js runs it.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeModuleProbe } from '../helpers/loaded-modules.ts';

const ROOT = join(import.meta.dirname, '../..');
/** The entry module of each way `homedata gateway run` can start: the first module of ours each loads. */
const ENTRIES = {
  bundle: 'dist/src/gateway-bundle/main.js',
  compiled: 'dist/src/cli/main.js',
  sources: 'src/cli/main.ts',
};

let tree: string;

beforeEach(async () => {
  tree = await mkdtemp(join(tmpdir(), 'homedata-gateway-main-'));
});

afterEach(async () => {
  await rm(tree, { recursive: true, force: true });
});

/**
 * Lays out a copy of the project in `tree` whose build the test controls, leaving the real dist/ alone: bin/ copied
 * (the launcher finds the project from its own real path), src/ and node_modules/ linked, dist/ a folder of links to
 * the real build's modules with its own `built-at` (`builtAt`), and the bundle only if `withBundle`.
 */
async function layOut(builtAt: number, withBundle: boolean): Promise<void> {
  await mkdir(join(tree, 'bin'));
  for (const file of await readdir(join(ROOT, 'bin')))
    await copyFile(join(ROOT, 'bin', file), join(tree, 'bin', file));
  for (const file of ['package.json', 'tsconfig.json']) await copyFile(join(ROOT, file), join(tree, file));
  await symlink(join(ROOT, 'src'), join(tree, 'src'), 'dir');
  await symlink(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
  await mkdir(join(tree, 'dist/src'), { recursive: true });
  for (const entry of await readdir(join(ROOT, 'dist/src'))) {
    if (entry === 'gateway-bundle' && !withBundle) continue;
    await symlink(join(ROOT, 'dist/src', entry), join(tree, 'dist/src', entry));
  }
  await writeFile(join(tree, 'dist/built-at'), `${builtAt}\n`);
}

/** Runs the tree's `homedata-gateway --help` and names the entries it loaded (`ENTRIES`). */
async function entriesRun(): Promise<string[]> {
  const probe = await writeModuleProbe(tree);
  const { stdout } = await promisify(execFile)(join(tree, 'bin/homedata-gateway'), ['--help'], {
    env: {
      ...process.env,
      HOMEDATA_FROM_SOURCE: undefined,
      PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}`,
      NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} ${probe.nodeOptions}`,
    },
  });
  // Whatever ran, it was `homedata gateway run`, given the launcher's arguments.
  expect(stdout).toContain('Usage: homedata gateway run');
  const loaded = await probe.loaded();
  return Object.entries(ENTRIES)
    .filter(([, path]) => loaded.some((url) => url.endsWith(`/${path}`)))
    .map(([name]) => name);
}

describe('bin/homedata-gateway', () => {
  it('runs the bundle when the build is newer than every source file', async () => {
    await layOut(Date.now(), true);
    expect(await entriesRun()).toEqual(['bundle']);
  });

  it('runs the sources through tsx, not the bundle, when a source file is newer than the build', async () => {
    await layOut(Date.parse('2020-01-01T00:00:00Z'), true);
    expect(await entriesRun()).toEqual(['sources']);
  });

  it('runs the per-module build when the build is current but holds no bundle', async () => {
    await layOut(Date.now(), false);
    expect(await entriesRun()).toEqual(['compiled']);
  });
});
