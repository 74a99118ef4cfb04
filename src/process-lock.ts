// One process per folder or database: a lock file holding the owner's process id, taken over once its owner died.
// It sits beside `errors.ts` because the gateway (its data folder) and the broker (its PGlite directory) both lock
// and neither may import the other.
import { open, readFile, rm } from 'node:fs/promises';
import type { HomedataError } from './errors.ts';

/** Whether a process with this id is alive (a lock left by a killed process is stale). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process holding the lock file at `path`, or null when there is none or its owner died. */
export async function lockHolder(path: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(path, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** How a caller words a refused lock: whose folder, and what to do about it. */
export interface LockRefusal {
  /** The error when a live process `pid` holds the lock. */
  inUse(pid: number): HomedataError;
  /** The error when the lock could not be taken although no live process holds it (another taker won twice). */
  notTaken(): HomedataError;
}

/**
 * Takes the lock file at `path` for this process (creating it exclusively; a stale one is removed and taken over
 * once); returns the release function.
 */
export async function takeProcessLock(path: string, refusal: LockRefusal): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx');
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await lockHolder(path);
      if (holder !== null) throw refusal.inUse(holder);
      await rm(path, { force: true });
    }
  }
  throw refusal.notTaken();
}
