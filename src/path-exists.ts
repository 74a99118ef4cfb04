// Whether a file or folder exists: the one check for "made before?" decisions (an outbox, a demo's data folder).
import { access } from 'node:fs/promises';

/** Whether `path` exists (any error reaching it counts as not). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
