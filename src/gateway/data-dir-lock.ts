// One gateway process per data folder: two gateways feeding one outbox and one pod would race, so a second one is refused.
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError } from '../errors.ts';

/** The lock file inside a data folder. */
function lockPath(dataDir: string): string {
  return join(dataDir, 'gateway.pid');
}

/** Whether a process with this id is alive (a lock left by a killed gateway is stale). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process holding the data folder, or null. */
export async function lockHolder(dataDir: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(lockPath(dataDir), 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Takes the data folder for this process (taking over a stale lock); returns the release function. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = lockPath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx');
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await lockHolder(dataDir);
      if (holder !== null) {
        throw new ConflictError(
          'data-dir-in-use',
          `Gateway data folder ${dataDir} is in use by process ${holder} (if it is not a gateway, delete ${path})`,
          {
            dataDir,
            pid: holder,
          },
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new ConflictError('data-dir-in-use', `Could not lock gateway data folder ${dataDir}`, { dataDir });
}
