// A child process's memory as Linux accounts it (/proc), for the benches that measure a process from outside.
import { readFile } from 'node:fs/promises';

/** A process's resident set split into the binary's and libraries' shared pages and its own private ones, in MB. */
export async function residentParts(pid: number): Promise<{ sharedMb: number; privateMb: number }> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0);
  return {
    sharedMb: (kb('Shared_Clean') + kb('Shared_Dirty')) / 1024,
    privateMb: (kb('Private_Clean') + kb('Private_Dirty')) / 1024,
  };
}
