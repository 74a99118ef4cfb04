// Where a benchmarked run's time goes: its pod requests over time (undici's diagnostics channel), the process's CPU and a CPU profile.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/** One pod request of the run: method, when it was made and when its answer ended (ms since the trace began). */
export interface TracedRequest {
  method: string;
  startMs: number;
  endMs: number | null;
}

/** What a trace saw between `start` and `stop`. */
export interface RunTrace {
  /** When the trace began (epoch ms): the origin of every `…Ms` in it. */
  beganAt: number;
  wallMs: number;
  /** CPU time of the whole process (every thread), user + system. */
  cpuMs: number;
  requests: TracedRequest[];
}

/** undici's `undici:request:*` messages carry the request object, the same one from create to trailers. */
interface UndiciMessage {
  request: { method: string };
}

/**
 * Traces the process while a run executes: every fetch request's start and end, the CPU used and, with
 * `profileFile`, a V8 CPU profile of the main thread (open it in Chrome DevTools, or summarise it with
 * `summariseProfile`).
 */
export async function startRunTrace(profileFile?: string): Promise<{ stop: () => Promise<RunTrace> }> {
  const beganAt = Date.now();
  const began = performance.now();
  const cpuBefore = process.cpuUsage();
  const open = new Map<object, TracedRequest>();
  const requests: TracedRequest[] = [];
  const onCreate = (message: unknown) => {
    const { request } = message as UndiciMessage;
    const traced = { method: request.method, startMs: performance.now() - began, endMs: null };
    open.set(request, traced);
    requests.push(traced);
  };
  const onEnd = (message: unknown) => {
    const { request } = message as UndiciMessage;
    const traced = open.get(request);
    if (traced === undefined) return;
    traced.endMs = performance.now() - began;
    open.delete(request);
  };
  subscribe('undici:request:create', onCreate);
  subscribe('undici:request:trailers', onEnd);
  subscribe('undici:request:error', onEnd);
  const session = profileFile === undefined ? undefined : new Session();
  if (session !== undefined) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  return {
    async stop() {
      const wallMs = performance.now() - began;
      const cpu = process.cpuUsage(cpuBefore);
      unsubscribe('undici:request:create', onCreate);
      unsubscribe('undici:request:trailers', onEnd);
      unsubscribe('undici:request:error', onEnd);
      if (session !== undefined) {
        const { profile } = await session.post('Profiler.stop');
        session.disconnect();
        await writeFile(profileFile!, JSON.stringify(profile));
      }
      return { beganAt, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, requests };
    },
  };
}

/** Requests in flight, sampled every `stepMs`: how full the run keeps the pod server over time. */
export function inFlightOverTime(trace: RunTrace, stepMs: number): number[] {
  const samples: number[] = [];
  for (let at = 0; at < trace.wallMs; at += stepMs) {
    samples.push(
      trace.requests.filter((request) => request.startMs <= at && (request.endMs ?? Infinity) > at).length,
    );
  }
  return samples;
}

/** A V8 CPU profile, as much of it as a summary needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** The self time of a CPU profile's functions (or, `byFile`, of their files), largest first. */
export function summariseProfile(
  profile: CpuProfile,
  top: number,
  byFile = false,
): { name: string; ms: number }[] {
  const nameOf = new Map(
    profile.nodes.map((node) => {
      const { functionName, url, lineNumber } = node.callFrame;
      const file = url.replace(/^.*\/node_modules\//, '').replace(/^.*\/(src|bench)\//, '$1/');
      if (byFile) return [node.id, file.replace(/^((@[^/]+\/)?[^/]+)\/.*$/, '$1') || functionName];
      return [node.id, `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`];
    }),
  );
  const selfMs = new Map<string, number>();
  for (const [index, id] of profile.samples.entries()) {
    const name = nameOf.get(id)!;
    selfMs.set(name, (selfMs.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  }
  return [...selfMs.entries()]
    .map(([name, ms]) => ({ name, ms }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}

/** Writes a trace, with the run's own times from its row when there is one, as `<name>.trace.json`. */
export async function saveRunTrace(
  name: string,
  trace: RunTrace,
  run?: { created: Date; claimed: Date; finished: Date },
): Promise<void> {
  const since = (date: Date) => date.getTime() - trace.beganAt;
  const times =
    run === undefined
      ? undefined
      : { createdMs: since(run.created), claimedMs: since(run.claimed), finishedMs: since(run.finished) };
  await writeFile(`${name}.trace.json`, JSON.stringify({ ...trace, run: times }));
}

/** A traced run's phases (ms since the trace began), from its requests and its row. */
function phasesOf(trace: RunTrace & { run?: Record<string, number> }): Record<string, number> {
  const pod = trace.requests.filter((request) => request.method === 'GET' || request.method === 'PUT');
  const ends = (method: string) =>
    Math.max(...pod.filter((request) => request.method === method).map((request) => request.endMs ?? NaN));
  return {
    ...trace.run,
    firstRequestMs: Math.min(...pod.map((request) => request.startMs)),
    lastGetEndMs: ends('GET'),
    lastPutEndMs: ends('PUT'),
    wallMs: trace.wallMs,
  };
}

/** `node bin/run-ts.js bench/run-trace.ts DIR/broker-200`: a traced run's phases, requests in flight and hot functions. */
async function main(name: string): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const trace = JSON.parse(await readFile(`${name}.trace.json`, 'utf8')) as RunTrace & {
    run?: Record<string, number>;
  };
  const round = (value: number) => Math.round(value);
  const phases = Object.fromEntries(Object.entries(phasesOf(trace)).map(([key, ms]) => [key, round(ms)]));
  process.stdout.write(`phases (ms): ${JSON.stringify(phases)}\n`);
  process.stdout.write(`CPU ${round(trace.cpuMs)} ms over ${round(trace.wallMs)} ms wall\n`);
  process.stdout.write(`requests in flight every 250 ms: ${inFlightOverTime(trace, 250).join(' ')}\n`);
  const profile = JSON.parse(await readFile(`${name}.cpuprofile`, 'utf8')) as CpuProfile;
  for (const byFile of [true, false]) {
    for (const { name: fn, ms } of summariseProfile(profile, byFile ? 25 : 40, byFile)) {
      process.stdout.write(`${ms.toFixed(0).padStart(7)} ms  ${fn}\n`);
    }
    process.stdout.write('\n');
  }
}

if (process.argv[1]?.endsWith('run-trace.ts') && process.argv[2] !== undefined) await main(process.argv[2]);
