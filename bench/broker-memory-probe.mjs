// Bench only, preloaded into a broker child (`NODE_OPTIONS=--import …`): its memory as the process itself sees it.
// The heap cannot be read from outside a process, so the child samples it and the bench reads the file.
import { renameSync, writeFileSync } from 'node:fs';

const file = process.env.HOMEDATA_MEMORY_PROBE_FILE;
let peakRss = 0;
let peakHeap = 0;

/** Samples RSS and heap in use and keeps their peaks. */
function sample() {
  const now = process.memoryUsage();
  peakRss = Math.max(peakRss, now.rss);
  peakHeap = Math.max(peakHeap, now.heapUsed);
  return now;
}

/** Writes the latest figures whole (a rename), so that the bench never reads half a line. */
function report() {
  const now = sample();
  const cpu = process.cpuUsage();
  writeFileSync(
    `${file}.tmp`,
    JSON.stringify({
      rss: now.rss,
      heapUsed: now.heapUsed,
      peakRss,
      peakHeap,
      cpuMs: (cpu.user + cpu.system) / 1000,
      nodeFlags: process.execArgv,
      mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? null,
    }),
  );
  renameSync(`${file}.tmp`, file);
}

if (file) {
  // Every 20 ms as the in-process bench samples; unref'd, so the probe never keeps the broker alive.
  setInterval(sample, 20).unref();
  setInterval(report, 200).unref();
}
