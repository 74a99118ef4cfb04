// One gateway process per data folder: two gateways feeding one outbox and one pod would race, so a second one is refused.
import { join } from 'node:path';
import { ConflictError } from '../errors.ts';
import { lockHolder as holderOf, takeProcessLock } from '../process-lock.ts';

/** The lock file inside a data folder. */
function lockPath(dataDir: string): string {
  return join(dataDir, 'gateway.pid');
}

/** The process holding the data folder, or null. */
export function lockHolder(dataDir: string): Promise<number | null> {
  return holderOf(lockPath(dataDir));
}

/** Takes the data folder for this process (taking over a stale lock); returns the release function. */
export function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = lockPath(dataDir);
  return takeProcessLock(path, {
    inUse: (pid) =>
      new ConflictError(
        'data-dir-in-use',
        `Gateway data folder ${dataDir} is in use by process ${pid} (if it is not a gateway, delete ${path})`,
        { dataDir, pid },
      ),
    notTaken: () =>
      new ConflictError('data-dir-in-use', `Could not lock gateway data folder ${dataDir}`, { dataDir }),
  });
}
