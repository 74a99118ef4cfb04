// Runs the PGlite → SQLite outbox upgrade in a process of its own (outbox-upgrade-main.ts), so PGlite's memory goes with it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HomedataError } from '../errors.ts';
import type { PgliteImport } from './outbox-pglite-import.ts';

/**
 * Upgrades `dataDir`'s PGlite outbox in a child process and resolves with what it copied. PGlite's WebAssembly
 * PostgreSQL keeps ~300 MB after it is closed (measured: 420 MB RSS in a gateway that had upgraded in process);
 * a child gives all of it back when it exits.
 */
export function upgradeInChildProcess(dataDir: string): Promise<PgliteImport | undefined> {
  // Compiled (dist/, scripts/build-node.js) this module is `.js` and so is its sibling; from source, tsx runs it.
  const compiled = import.meta.url.endsWith('.js');
  const entry = fileURLToPath(new URL(`./outbox-upgrade-main.${compiled ? 'js' : 'ts'}`, import.meta.url));
  const args = compiled
    ? [entry, dataDir]
    : [fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url)), entry, dataDir];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        const line = out.trim().split('\n').at(-1);
        resolve(line ? (JSON.parse(line) as PgliteImport | undefined) : undefined);
        return;
      }
      reject(
        new HomedataError('outbox-upgrade', 500, `The PGlite outbox in ${dataDir} could not be upgraded`, {
          dataDir,
          exitCode: code,
          stderr: err.slice(-2000),
        }),
      );
    });
  });
}
