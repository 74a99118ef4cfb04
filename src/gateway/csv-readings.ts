// Reads sensor history from CSV rows: a time column plus one column per room and property, in any declared unit.
import { DateTime } from 'luxon';
import { ConfigError } from '../errors.ts';
import { assertTimeZone, PROPERTIES, type Property, type Reading } from '../metrics/index.ts';
import { ROOM_SLUG } from './gateway-config.ts';
import { toCanonicalUnit, unitFits, ALL_UNITS, type Unit } from './unit-conversion.ts';

/** One value column: which room and property it holds, in which unit. */
export interface CsvColumn {
  column: string;
  room: string;
  property: Property;
  unit?: Unit;
}

/** How to read a CSV file. */
export interface CsvMapping {
  timeColumn: string;
  /** Zone of times written without an offset (`2026-01-05 13:00`); ISO times with `Z` or an offset ignore it. */
  timeZone: string;
  /** Luxon `DateTime.fromFormat` tokens of the time column (`yyyy/M/d H:mm`); absent: ISO 8601 or epoch. */
  timeFormat?: string;
  columns: CsvColumn[];
}

/** Parses `CSVCOL=ROOM/PROPERTY` or `CSVCOL=ROOM/PROPERTY:UNIT` (e.g. `temp_f=kitchen/temperature:degF`). */
export function parseColumnSpec(spec: string): CsvColumn {
  const match = /^(.+)=([^=/]+)\/([a-z0-9]+)(?::([A-Za-z0-9]+))?$/.exec(spec);
  if (!match)
    throw new ConfigError(`--column ${spec}: expected CSVCOL=ROOM/PROPERTY or CSVCOL=ROOM/PROPERTY:UNIT`);
  const [, column, room, property, unit] = match as unknown as [
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  if (!ROOM_SLUG.test(room))
    throw new ConfigError(`--column ${spec}: room "${room}" must be a slug like living-room`);
  if (!(PROPERTIES as readonly string[]).includes(property)) {
    throw new ConfigError(`--column ${spec}: property must be one of ${PROPERTIES.join(', ')}`);
  }
  if (
    unit !== undefined &&
    (!(ALL_UNITS as readonly string[]).includes(unit) || !unitFits(property as Property, unit as Unit))
  ) {
    throw new ConfigError(`--column ${spec}: unit ${unit} does not measure ${property}`);
  }
  return { column, room, property: property as Property, ...(unit ? { unit: unit as Unit } : {}) };
}

/** Columns named `ROOM-PROPERTY` (the fixtures' device ids, e.g. `living-room-temperature`), mapped by their name. */
export function columnsByName(header: readonly string[], timeColumn: string): CsvColumn[] {
  const columns: CsvColumn[] = [];
  for (const column of header) {
    if (column === timeColumn) continue;
    const property = PROPERTIES.find((candidate) => column.endsWith(`-${candidate}`));
    const room = property ? column.slice(0, -property.length - 1) : '';
    if (property && ROOM_SLUG.test(room)) columns.push({ column, room, property });
  }
  return columns;
}

/**
 * Token groups a time format must name (Luxon's token letters), unless it has an epoch (`X` seconds, `x` ms) or a
 * localised date macro (`D`…`DDDD`, `f`…, `F`…), which name all three.
 */
const FORMAT_NEEDS: ReadonlyArray<{ what: string; token: RegExp }> = [
  { what: 'year (yyyy)', token: /^[yu]+$/ },
  { what: 'month (M, MM or MMM)', token: /^[ML]+$/ },
  { what: 'day (d or dd)', token: /^d{1,2}$/ },
];

/**
 * Checks a `--time-format` and its zone before any row is read: Luxon tokens that name a year, a month and a day
 * (or an epoch), and a zone this runtime knows. A format missing its day would put every row on the 1st.
 */
export function checkTimeFormat(format: string, timeZone: string): void {
  assertTimeZone(timeZone);
  const tokens = DateTime.fromFormatExplain('', format)
    .tokens.filter((token) => !token.literal)
    .map((token) => token.val);
  if (tokens.some((token) => /^(X|x|D{1,4}|f{1,4}|F{1,4})$/.test(token))) return;
  const missing = FORMAT_NEEDS.filter(({ token }) => !tokens.some((candidate) => token.test(candidate)));
  if (missing.length > 0) {
    throw new ConfigError(
      `--time-format ${JSON.stringify(format)} has no ${missing.map(({ what }) => what).join(', ')}: ` +
        'use Luxon tokens, e.g. "yyyy/M/d H:mm" for 2016/1/11 17:00 (see docs/gateway.md)',
      { timeFormat: format },
    );
  }
}

/** `YYYY-MM-DD HH:MM[:SS[.fff]]` (or with a `T`); hours 00–23 and minutes and seconds 00–59, nothing rolled over. */
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(\.\d{1,3})?)?$/;

/**
 * An instant from a CSV cell. With `timeFormat` (Luxon tokens), the cell in that format, in `timeZone` unless the
 * format reads an offset. Without: ISO 8601 with `Z` or an offset; a local `YYYY-MM-DD HH:MM[:SS]` in `timeZone`;
 * or epoch seconds / milliseconds. Both ways, a local time skipped by a daylight-saving change is read with the
 * offset before it (02:30 on the spring-forward night is 03:30 summer time) and a local time that happens twice
 * is the second one (standard time).
 */
export function parseCsvTime(text: string, timeZone: string, timeFormat?: string): Date | null {
  const cell = text.trim();
  if (timeFormat !== undefined) {
    const time = DateTime.fromFormat(cell, timeFormat, { zone: timeZone });
    return time.isValid ? time.toJSDate() : null;
  }
  if (/^\d{9,10}$/.test(cell)) return new Date(Number(cell) * 1000);
  if (/^\d{12,13}$/.test(cell)) return new Date(Number(cell));
  const local = LOCAL_TIME.exec(cell);
  if (local) {
    const [, y, mo, d, h, mi, s = '0', fraction = ''] = local as unknown as string[];
    // An unknown zone is the caller's error, not a row that is "not a time" (Luxon would call it invalid).
    assertTimeZone(timeZone);
    const time = DateTime.fromObject(
      {
        year: Number(y),
        month: Number(mo),
        day: Number(d),
        hour: Number(h),
        minute: Number(mi),
        second: Number(s),
        millisecond: Math.round(Number(`0${fraction}`) * 1000),
      },
      { zone: timeZone },
    );
    return time.isValid ? time.toJSDate() : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(cell)) return null;
  const time = new Date(cell);
  return Number.isNaN(time.getTime()) ? null : time;
}

/** The readings of one CSV row and why any cell was refused; empty cells are gaps, not errors. */
export function readingsOfRow(
  cells: Readonly<Record<string, string>>,
  mapping: CsvMapping,
  shiftMs: number,
): { readings: Reading[]; problems: string[] } {
  const timeText = cells[mapping.timeColumn] ?? '';
  const parsed = parseCsvTime(timeText, mapping.timeZone, mapping.timeFormat);
  if (!parsed) {
    const format = mapping.timeFormat === undefined ? '' : ` in format ${JSON.stringify(mapping.timeFormat)}`;
    return {
      readings: [],
      problems: [`${mapping.timeColumn}: not a time${format}: ${JSON.stringify(timeText)}`],
    };
  }
  const time = new Date(parsed.getTime() + shiftMs);
  const readings: Reading[] = [];
  const problems: string[] = [];
  for (const { column, room, property, unit } of mapping.columns) {
    const text = (cells[column] ?? '').trim();
    if (text === '') continue;
    const value = Number(text);
    if (!Number.isFinite(value)) {
      problems.push(`${column}: not a number: ${JSON.stringify(text)}`);
      continue;
    }
    readings.push({
      sensor: `${room}-${property}`,
      room,
      property,
      time,
      value: toCanonicalUnit(property, unit, value),
    });
  }
  return { readings, problems };
}
