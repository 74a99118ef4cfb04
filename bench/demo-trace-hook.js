// Preloaded (`node --import`) into a traced demo by `npm run bench -- demo --trace`, in every thread of the process:
// records each HTTP request a server of the thread answers and samples the thread's own CPU, into one file per
// thread under HOMEDATA_DEMO_TRACE. Plain JavaScript: the demo runs compiled, without tsx's loader.
import { appendFileSync, readFileSync, readlinkSync } from 'node:fs';
import { Server } from 'node:http';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { isMainThread, threadId } from 'node:worker_threads';

/** Names of perf_hooks' garbage collection kinds (`constants.NODE_PERFORMANCE_GC_*`). */
const GC_KINDS = { 1: 'minor', 4: 'major', 8: 'incremental', 16: 'weakcb' };

/** How often a thread's CPU is sampled. */
const CPU_SAMPLE_MS = 250;

/**
 * A request path with the parts that differ between homes and runs replaced, so that requests of one kind count
 * together: pod names, ids (UUIDs, long tokens) and digits.
 */
function pathPattern(url) {
  const path = url.split('?')[0] ?? '';
  return path
    .split('/')
    .map((segment) => {
      if (/^(resident|gateway)-\d+$/.test(segment)) return `:${segment.split('-')[0]}`;
      if (/[0-9a-f]{8}-[0-9a-f]{4}-/i.test(segment) || segment.length > 24) return ':id';
      return segment.replace(/\d/g, '9');
    })
    .join('/');
}

/** CPU milliseconds the calling thread has used (user + system), from /proc (Linux only). */
function threadCpuMs(statPath) {
  const stat = readFileSync(statPath, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15, in clock ticks.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function startTrace(folder) {
  const thread = isMainThread ? 'main' : `worker-${threadId}`;
  const file = join(folder, `${process.pid}-${thread}.jsonl`);
  // /proc/thread-self names this thread's task; the process's own stat sums every thread (GC, libuv pool too).
  const statPath = `/proc/${readlinkSync('/proc/thread-self')}/stat`;
  let lines = [];
  const flush = () => {
    if (lines.length === 0) return;
    appendFileSync(file, lines.join(''));
    lines = [];
  };
  const record = (entry) => lines.push(`${JSON.stringify({ thread, ...entry })}\n`);

  const emit = Server.prototype.emit;
  Server.prototype.emit = function tracedEmit(event, ...args) {
    if (event === 'request') {
      const [request, response] = args;
      const started = Date.now();
      response.once('finish', () =>
        record({
          kind: 'request',
          port: this.address()?.port,
          t: started,
          ms: Date.now() - started,
          method: request.method,
          path: pathPattern(request.url ?? ''),
          status: response.statusCode,
        }),
      );
    }
    return emit.call(this, event, ...args);
  };

  // Pauses of this thread for garbage collection, summed (the collector's helper threads are not in them).
  let gcMs = 0;
  const gcByKind = {};
  const gcCounts = {};
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      const kind = GC_KINDS[entry.detail?.kind] ?? 'other';
      gcByKind[kind] = (gcByKind[kind] ?? 0) + entry.duration;
      gcCounts[kind] = (gcCounts[kind] ?? 0) + 1;
    }
  }).observe({ entryTypes: ['gc'] });

  const sample = () => {
    record({ kind: 'cpu', t: Date.now(), cpuMs: threadCpuMs(statPath), gcMs, gcByKind, gcCounts });
    if (isMainThread) record({ kind: 'process-cpu', t: Date.now(), cpuMs: threadCpuMs('/proc/self/stat') });
  };
  sample();
  const timer = setInterval(() => {
    sample();
    flush();
  }, CPU_SAMPLE_MS);
  timer.unref();
  process.on('exit', () => {
    sample();
    flush();
  });
}

const folder = process.env.HOMEDATA_DEMO_TRACE;
if (folder) startTrace(folder);
