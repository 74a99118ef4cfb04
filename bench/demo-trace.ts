// Reads a traced demo start (bench/demo-trace-hook.js, the demo's own log lines) into where its time and CPU went:
// per phase (between the demo's log lines), the pod server's requests and each thread's CPU; per request kind, how
// many and an estimate of the pod server's CPU for them.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The preload that records a traced demo (plain JavaScript, loaded with `node --import`). */
export const TRACE_HOOK = resolve(fileURLToPath(new URL('./demo-trace-hook.js', import.meta.url)));

interface RequestEntry {
  kind: 'request';
  thread: string;
  port: number | undefined;
  t: number;
  ms: number;
  method: string;
  path: string;
  status: number;
}

interface CpuEntry {
  kind: 'cpu' | 'process-cpu';
  thread: string;
  t: number;
  cpuMs: number;
  /** The thread's garbage collection pauses so far (absent from process samples). */
  gcMs?: number;
}

type TraceEntry = RequestEntry | CpuEntry;

/** A point the demo reached: one of its log lines, or a milestone the bench saw. */
export interface Mark {
  t: number;
  name: string;
}

export interface PhaseFigures {
  name: string;
  /** Seconds from start to the phase's end. */
  endSeconds: number;
  wallSeconds: number;
  podRequests: number;
  podCpuSeconds: number;
  /** The pod server thread's garbage collection pauses (part of its CPU). */
  podGcSeconds: number;
  mainCpuSeconds: number;
  processCpuSeconds: number;
}

export interface RequestKindFigures {
  kind: string;
  count: number;
  /** The pod server's CPU in the sample intervals the requests were open, shared among the requests open then. */
  podCpuSeconds: number;
  medianMs: number;
  /** Requests of this kind in each phase, by the phase's index. */
  perPhase: number[];
}

export interface TraceSummary {
  phases: PhaseFigures[];
  kinds: RequestKindFigures[];
  podRequests: number;
  podCpuSeconds: number;
  podGcSeconds: number;
  mainCpuSeconds: number;
  processCpuSeconds: number;
}

/** The demo's log lines (pino JSON) as marks; other output is skipped. */
export function logMarks(output: string): Mark[] {
  const marks: Mark[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { time?: number; msg?: string };
      if (typeof entry.time === 'number' && typeof entry.msg === 'string')
        marks.push({ t: entry.time, name: entry.msg });
    } catch {
      // a line of the running banner or of another tool: not a mark
    }
  }
  return marks;
}

/** Every entry the traced threads wrote. */
async function readEntries(folder: string): Promise<TraceEntry[]> {
  const entries: TraceEntry[] = [];
  for (const file of await readdir(folder)) {
    if (!file.endsWith('.jsonl')) continue;
    const text = await readFile(join(folder, file), 'utf8');
    for (const line of text.split('\n')) if (line) entries.push(JSON.parse(line) as TraceEntry);
  }
  return entries;
}

/** Milliseconds of CPU (or of GC pauses) a thread used between two times, from its samples in time order. */
function cpuBetween(
  samples: CpuEntry[],
  from: number,
  to: number,
  field: 'cpuMs' | 'gcMs' = 'cpuMs',
): number {
  return valueAt(samples, to, field) - valueAt(samples, from, field);
}

/** A sampled counter at a time, interpolated between the samples around it. */
function valueAt(samples: CpuEntry[], t: number, field: 'cpuMs' | 'gcMs'): number {
  const value = (sample: CpuEntry) => sample[field] ?? 0;
  if (samples.length === 0) return 0;
  if (t <= samples[0]!.t) return value(samples[0]!);
  for (let index = 1; index < samples.length; index++) {
    const after = samples[index]!;
    if (t > after.t) continue;
    const before = samples[index - 1]!;
    const share = after.t === before.t ? 1 : (t - before.t) / (after.t - before.t);
    return value(before) + share * (value(after) - value(before));
  }
  return value(samples.at(-1)!);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Summarises a traced start: `started` is when the bench spawned it, `marks` its log lines and milestones. */
export async function summariseTrace(
  folder: string,
  podPort: number,
  started: number,
  marks: Mark[],
): Promise<TraceSummary> {
  const entries = await readEntries(folder);
  const requests = entries.filter(
    (entry): entry is RequestEntry => entry.kind === 'request' && entry.port === podPort,
  );
  const podThread = requests[0]?.thread;
  const samplesOf = (kind: CpuEntry['kind'], thread: string | undefined) =>
    entries
      .filter((entry): entry is CpuEntry => entry.kind === kind && entry.thread === thread)
      .sort((a, b) => a.t - b.t);
  const podCpu = samplesOf('cpu', podThread);
  const mainCpu = samplesOf('cpu', 'main');
  const processCpu = samplesOf('process-cpu', 'main');
  const ordered = [...marks].sort((a, b) => a.t - b.t);
  const bounds = [started, ...ordered.map((mark) => mark.t)];
  const phaseOf = (t: number) => {
    const index = ordered.findIndex((mark) => t < mark.t);
    return index === -1 ? ordered.length : index;
  };
  const phases: PhaseFigures[] = ordered.map((mark, index) => {
    const from = bounds[index]!;
    return {
      name: mark.name,
      endSeconds: (mark.t - started) / 1000,
      wallSeconds: (mark.t - from) / 1000,
      podRequests: requests.filter((request) => phaseOf(request.t) === index).length,
      podCpuSeconds: cpuBetween(podCpu, from, mark.t) / 1000,
      podGcSeconds: cpuBetween(podCpu, from, mark.t, 'gcMs') / 1000,
      mainCpuSeconds: cpuBetween(mainCpu, from, mark.t) / 1000,
      processCpuSeconds: cpuBetween(processCpu, from, mark.t) / 1000,
    };
  });

  // Each CPU sample interval's pod CPU, shared among the requests open in it by how long each was open in it.
  const podCpuOf = new Map<RequestEntry, number>();
  for (let index = 1; index < podCpu.length; index++) {
    const from = podCpu[index - 1]!.t;
    const to = podCpu[index]!.t;
    const used = podCpu[index]!.cpuMs - podCpu[index - 1]!.cpuMs;
    const open = requests
      .map((request) => ({
        request,
        overlap: Math.min(to, request.t + request.ms) - Math.max(from, request.t),
      }))
      .filter(({ overlap }) => overlap > 0);
    const total = open.reduce((sum, { overlap }) => sum + overlap, 0);
    for (const { request, overlap } of open)
      podCpuOf.set(request, (podCpuOf.get(request) ?? 0) + (used * overlap) / total);
  }
  const byKind = new Map<string, RequestEntry[]>();
  for (const request of requests) {
    const kind = `${request.method} ${request.path}`;
    byKind.set(kind, [...(byKind.get(kind) ?? []), request]);
  }
  const kinds = [...byKind].map(([kind, members]) => {
    const perPhase = Array.from({ length: ordered.length + 1 }, () => 0);
    for (const member of members) perPhase[phaseOf(member.t)]!++;
    return {
      kind,
      count: members.length,
      podCpuSeconds: members.reduce((sum, member) => sum + (podCpuOf.get(member) ?? 0), 0) / 1000,
      medianMs: median(members.map((member) => member.ms)),
      perPhase,
    };
  });
  kinds.sort((a, b) => b.podCpuSeconds - a.podCpuSeconds);
  const end = ordered.at(-1)?.t ?? started;
  return {
    phases,
    kinds,
    podRequests: requests.filter((request) => request.t < end).length,
    podCpuSeconds: cpuBetween(podCpu, started, end) / 1000,
    podGcSeconds: cpuBetween(podCpu, started, end, 'gcMs') / 1000,
    mainCpuSeconds: cpuBetween(mainCpu, started, end) / 1000,
    processCpuSeconds: cpuBetween(processCpu, started, end) / 1000,
  };
}

/** Prints a summary as two tables: phases, then request kinds. */
export function printTrace(summary: TraceSummary, write: (text: string) => void): void {
  const table = (rows: string[][]) => {
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows) write(`${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}\n`);
  };
  const seconds = (value: number) => value.toFixed(1);
  table([
    [
      '#',
      'phase (ends with)',
      'at s',
      'wall s',
      'pod req',
      'pod cpu s',
      'pod gc s',
      'main cpu s',
      'process cpu s',
    ],
    ...summary.phases.map((phase, index) => [
      String(index),
      phase.name,
      seconds(phase.endSeconds),
      seconds(phase.wallSeconds),
      String(phase.podRequests),
      seconds(phase.podCpuSeconds),
      seconds(phase.podGcSeconds),
      seconds(phase.mainCpuSeconds),
      seconds(phase.processCpuSeconds),
    ]),
    [
      '',
      'total',
      '',
      '',
      String(summary.podRequests),
      seconds(summary.podCpuSeconds),
      seconds(summary.podGcSeconds),
      seconds(summary.mainCpuSeconds),
      seconds(summary.processCpuSeconds),
    ],
  ]);
  write('\n');
  table([
    ['request kind', 'count', 'pod cpu s', 'median ms', 'per phase (#:count)'],
    ...summary.kinds.map((kind) => [
      kind.kind,
      String(kind.count),
      kind.podCpuSeconds.toFixed(2),
      String(kind.medianMs),
      kind.perPhase
        .map((count, index) => (count === 0 ? '' : `${index}:${count}`))
        .filter(Boolean)
        .join(' '),
    ]),
  ]);
}
