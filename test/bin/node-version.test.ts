// Unit: the entry points refuse a Node older than 20 with one clear line, before loading anything else.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OLDEST_NODE_MAJOR, nodeTooOldMessage } from '../../bin/node-version.js';

const ROOT = join(import.meta.dirname, '../..');

/** Runs an entry point under this Node with `process.version` replaced, as an old Node would report it. */
function runAsNode(version: string, entry: string, args: string[]) {
  const path = join(ROOT, entry);
  const script = `Object.defineProperty(process, 'version', { value: ${JSON.stringify(version)} });
    process.argv = [process.execPath, ...${JSON.stringify([path, ...args])}];
    await import(${JSON.stringify(path)});`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
}

describe('nodeTooOldMessage', () => {
  it('refuses Node 18 and names the version found', () => {
    expect(nodeTooOldMessage('v18.19.0')).toBe(
      'homedata needs Node 20 or newer (you have v18.19.0); see README',
    );
    expect(nodeTooOldMessage('v16.20.2')).toMatch(/needs Node 20 or newer \(you have v16\.20\.2\)/);
  });

  it('accepts Node 20, 22 and 24', () => {
    for (const version of ['v20.20.2', 'v22.12.0', 'v24.22.3', 'v26.0.0']) {
      expect(nodeTooOldMessage(version)).toBeUndefined();
    }
  });

  it('lets an unreadable version through rather than refuse a Node it cannot read', () => {
    expect(nodeTooOldMessage('nightly')).toBeUndefined();
  });

  it('agrees with package.json engines', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    expect(pkg.engines.node).toBe(`>=${OLDEST_NODE_MAJOR}`);
  });
});

describe('entry points on an old Node', () => {
  it('bin/homedata.js prints the message and exits 1 before loading the CLI', () => {
    const run = runAsNode('v18.19.0', 'bin/homedata.js', ['--help']);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('homedata needs Node 20 or newer (you have v18.19.0); see README');
    expect(run.stdout).toBe('');
  });

  it('bin/run-ts.js prints the message and exits 1 before loading tsx', () => {
    const run = runAsNode('v18.19.0', 'bin/run-ts.js', []);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('homedata needs Node 20 or newer (you have v18.19.0); see README');
  });

  it('scripts/build-web.js, which npm start and npm test run first, exits 1 with the message', () => {
    const run = runAsNode('v18.19.0', 'scripts/build-web.js', []);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('homedata needs Node 20 or newer (you have v18.19.0); see README');
  });

  it('bin/homedata.js still runs on this Node', () => {
    const run = runAsNode(process.version, 'bin/homedata.js', ['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: homedata');
  }, 60_000); // tsx compiles the whole CLI first: seconds on a busy machine
});
