// Replays a CSV file of sensor history through a gateway: into the outbox in chunks, then flushed and summarised.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ConfigError, ValidationError } from '../errors.ts';
import type { Reading } from '../metrics/index.ts';
import {
  checkTimeFormat,
  columnsByName,
  parseCsvTime,
  readingsOfRow,
  type CsvMapping,
} from './csv-readings.ts';
import type { Gateway } from './gateway.ts';

const DAY_MS = 86_400_000;
/** Rows committed per outbox statement. */
const ROWS_PER_COMMIT = 500;

/** What a replay did. */
export interface ReplayReport {
  rows: number;
  accepted: number;
  duplicates: number;
  quarantined: number;
  delivered: number;
  /** Pod writes of readings and summaries. */
  writes: number;
  /** Whole days the times were moved forward by (`--shift-to-now`). */
  shiftDays: number;
}

/** Progress callbacks: bytes read while ingesting, readings delivered while flushing. */
export interface ReplayProgress {
  ingest?: (bytesRead: number, totalBytes: number) => void;
  flush?: (delivered: number, total: number) => void;
}

/** Options of a replay. */
export interface ReplayOptions {
  file: string;
  mapping: Omit<CsvMapping, 'columns'> & { columns?: CsvMapping['columns'] };
  /** Move every time forward by whole days so the newest row lands within the last day. */
  shiftToNow?: boolean;
  /** Give up waiting for the pod after this long; readings stay in the outbox. */
  drainTimeoutMs?: number;
  progress?: ReplayProgress;
}

/** Streams CSV records as objects keyed by header, with the line each starts on and the bytes read so far. */
async function* csvRecords(
  file: string,
): AsyncGenerator<{ cells: Record<string, string>; line: number; bytes: number; header: string[] }> {
  // csv-parse loads only for a replay: a running gateway (`gateway run`) never parses CSV.
  const { parse } = await import('csv-parse');
  const input = createReadStream(file);
  let bytes = 0;
  input.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const parser = input.pipe(
    parse({ skip_empty_lines: true, relax_column_count: true, info: true, bom: true }),
  );
  let header: string[] | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!header) {
        header = record.map((name) => name.trim());
        continue;
      }
      const cells: Record<string, string> = {};
      header.forEach((name, index) => {
        cells[name] = record[index] ?? '';
      });
      yield { cells, line: info.lines, bytes, header };
    }
  } catch (error) {
    throw new ValidationError(`${file} is not readable CSV: ${(error as Error).message}`, { file });
  }
}

/** The newest time in the file, for `--shift-to-now`. */
async function newestTime(file: string, mapping: ReplayOptions['mapping']): Promise<number> {
  let newest = Number.NEGATIVE_INFINITY;
  for await (const { cells } of csvRecords(file)) {
    const time = parseCsvTime(
      cells[mapping.timeColumn] ?? '',
      mapping.timeZone,
      mapping.timeFormat,
    )?.getTime();
    if (time !== undefined && time > newest) newest = time;
  }
  return newest;
}

/** The value columns to read: as mapped (each must exist), or else every column named ROOM-PROPERTY. */
function checkedColumns(
  header: readonly string[],
  mapping: ReplayOptions['mapping'],
  file: string,
): CsvMapping['columns'] {
  if (!header.includes(mapping.timeColumn)) {
    throw new ValidationError(`${file} has no time column "${mapping.timeColumn}"`, { file });
  }
  if (!mapping.columns) {
    const named = columnsByName(header, mapping.timeColumn);
    if (named.length === 0)
      throw new ValidationError(`${file}: no column is named ROOM-PROPERTY; map them with --column`, {
        file,
      });
    return named;
  }
  const missing = mapping.columns.filter((column) => !header.includes(column.column));
  if (missing.length > 0) {
    throw new ValidationError(
      `${file} has no column ${missing.map((column) => `"${column.column}"`).join(', ')}`,
      { file },
    );
  }
  return mapping.columns;
}

/**
 * Stops a replay whose `--time-format` does not read the first row: a wrong format would otherwise quarantine
 * every row of the file one by one. Without a format the ISO reading applies and bad rows are quarantined.
 */
function checkFirstTime(
  cells: Readonly<Record<string, string>>,
  mapping: ReplayOptions['mapping'],
  where: string,
): void {
  const { timeFormat, timeColumn, timeZone } = mapping;
  if (timeFormat === undefined) return;
  const text = cells[timeColumn] ?? '';
  if (parseCsvTime(text, timeZone, timeFormat)) return;
  throw new ConfigError(
    `--time-format ${JSON.stringify(timeFormat)} does not read the first time, ${JSON.stringify(text)} (${where})`,
    { timeFormat, where },
  );
}

/** Replays a CSV file through a gateway started with `manual: true`; resolves once the pod has everything. */
export async function replayCsv(
  gateway: Gateway,
  options: ReplayOptions,
  now: () => Date = () => new Date(),
): Promise<ReplayReport> {
  const { file, mapping } = options;
  if (mapping.timeFormat !== undefined) checkTimeFormat(mapping.timeFormat, mapping.timeZone);
  const totalBytes = (await stat(file)).size;
  let shiftDays = 0;
  if (options.shiftToNow) {
    const newest = await newestTime(file, mapping);
    // Whole days keep every reading at its clock time, so daily patterns (cooking, nights) stay where they were.
    if (Number.isFinite(newest)) shiftDays = Math.floor((now().getTime() - newest) / DAY_MS);
  }
  const report: ReplayReport = {
    rows: 0,
    accepted: 0,
    duplicates: 0,
    quarantined: 0,
    delivered: 0,
    writes: 0,
    shiftDays,
  };
  const deliveredBefore = gateway.scheduler.state.delivered;
  const writesBefore = gateway.pod.writes;
  let columns = mapping.columns;
  let chunk: Reading[] = [];
  const commit = async (): Promise<void> => {
    const result = await gateway.intake.readings(chunk, { source: 'csv', where: file });
    report.accepted += result.accepted;
    report.duplicates += result.duplicates;
    report.quarantined += result.quarantined.length;
    chunk = [];
  };
  let rowsInChunk = 0;
  for await (const { cells, line, bytes, header } of csvRecords(file)) {
    if (report.rows === 0) {
      columns = checkedColumns(header, mapping, file);
      checkFirstTime(cells, mapping, `${file}:${line}`);
    }
    report.rows++;
    const { readings, problems } = readingsOfRow(
      cells,
      { ...mapping, columns: columns! },
      shiftDays * DAY_MS,
    );
    chunk.push(...readings);
    if (problems.length > 0) {
      await gateway.intake.refuse(problems, { source: 'csv', where: `${file}:${line}`, raw: cells });
      report.quarantined++;
    }
    if (++rowsInChunk >= ROWS_PER_COMMIT) {
      await commit();
      rowsInChunk = 0;
      options.progress?.ingest?.(bytes, totalBytes);
    }
  }
  await commit();
  options.progress?.ingest?.(totalBytes, totalBytes);
  const { pending } = await gateway.status();
  await gateway.scheduler.drain(options.drainTimeoutMs ?? 10 * 60_000, (delivered) =>
    options.progress?.flush?.(delivered - deliveredBefore, pending),
  );
  report.delivered = gateway.scheduler.state.delivered - deliveredBefore;
  report.writes = gateway.pod.writes - writesBefore;
  return report;
}
