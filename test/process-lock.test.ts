// One process per folder: the gateway's data folder and the broker's PGlite directory share this lock.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, ConfigError } from '../src/errors.ts';
import { lockDataDir } from '../src/gateway/data-dir-lock.ts';
import { openPgliteDatabase } from '../src/broker/db/pglite-database.ts';
import { lockHolder, takeProcessLock, type LockRefusal } from '../src/process-lock.ts';

const refusal: LockRefusal = {
  inUse: (pid) => new ConflictError('in-use', `held by ${pid}`, { pid }),
  notTaken: () => new ConflictError('in-use', 'not taken'),
};

/** The id of a process that has exited. */
function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString(),
  );
}

describe('a process lock', () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hd-lock-'));
    path = join(dir, 'x.pid');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes this process id and removes the file on release', async () => {
    const release = await takeProcessLock(path, refusal);
    expect(await readFile(path, 'utf8')).toBe(`${process.pid}\n`);
    expect(await lockHolder(path)).toBe(process.pid);
    await release();
    expect(await lockHolder(path)).toBeNull();
  });

  it('refuses a lock a live process holds, in the words of the caller', async () => {
    const release = await takeProcessLock(path, refusal);
    await expect(takeProcessLock(path, refusal)).rejects.toThrow(`held by ${process.pid}`);
    await release();
  });

  it('takes over a lock whose process died', async () => {
    await writeFile(path, `${deadPid()}\n`);
    expect(await lockHolder(path)).toBeNull();
    const release = await takeProcessLock(path, refusal);
    expect(await lockHolder(path)).toBe(process.pid);
    await release();
  });

  it('guards the gateway data folder and the PGlite directory alike', async () => {
    const releaseGateway = await lockDataDir(dir);
    await expect(lockDataDir(dir)).rejects.toBeInstanceOf(ConflictError);
    await releaseGateway();
    await writeFile(join(dir, 'db.lock'), `${process.pid}`);
    await expect(openPgliteDatabase(join(dir, 'db'))).rejects.toBeInstanceOf(ConfigError);
  });
});
