// fsyncs a folder, so a file just created or renamed in it is still there after a power cut.
import { open } from 'node:fs/promises';

/** fsyncs `dir` (its entries: names created, renamed or removed). */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
