// A process's memory as the process itself sees it, for the broker-sim bench. Plain JavaScript so that it can be
// preloaded into a compiled broker child (`NODE_OPTIONS=--import …`, with HOMEDATA_MEMORY_PROBE_FILE): the heap
// cannot be read from outside a process, so the child writes its figures to that file and the bench reads them.
import { renameSync, writeFileSync } from 'node:fs';

/** Samples this process's RSS and heap in use every `intervalMs` and keeps their peaks from now on. */
export function startMemorySampler(intervalMs = 20) {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
    return now;
  };
  sample();
  // Unref'd: the sampler never keeps a process alive.
  const timer = setInterval(sample, intervalMs).unref();
  return {
    reading() {
      const now = sample();
      const cpu = process.cpuUsage();
      return {
        rss: now.rss,
        heapUsed: now.heapUsed,
        peakRss,
        peakHeap,
        cpuMs: (cpu.user + cpu.system) / 1000,
        nodeFlags: process.execArgv,
        mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? null,
      };
    },
    stop() {
      clearInterval(timer);
    },
  };
}

const file = process.env.HOMEDATA_MEMORY_PROBE_FILE;
if (file) {
  const sampler = startMemorySampler();
  // Written whole and renamed, so that the bench never reads half a report. A report that cannot be written (the
  // bench's folder gone) is skipped: the probe must never be what stops the broker.
  setInterval(() => {
    try {
      writeFileSync(`${file}.tmp`, JSON.stringify(sampler.reading()));
      renameSync(`${file}.tmp`, file);
    } catch {
      // Skipped; the next report tries again.
    }
  }, 200).unref();
}
