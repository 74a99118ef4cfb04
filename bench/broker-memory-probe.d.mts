// Types of bench/broker-memory-probe.mjs, plain JavaScript so that a compiled broker child can preload it.

/** A process's memory and CPU time so far (bytes, ms), peaks since the sampler started, and how it was started. */
export interface MemoryReading {
  rss: number;
  heapUsed: number;
  peakRss: number;
  peakHeap: number;
  cpuMs: number;
  /** The V8 flags and glibc arena cap the process runs with: its memory figures depend on them. */
  nodeFlags: string[];
  mallocArenaMax: string | null;
}

/** Samples this process's RSS and heap in use every `intervalMs` (20) and keeps their peaks from now on. */
export declare function startMemorySampler(intervalMs?: number): { reading(): MemoryReading; stop(): void };
