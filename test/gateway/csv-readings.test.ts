// Unit tests: CSV column mappings, CSV times in any zone, rows into readings.
import { describe, expect, it } from 'vitest';
import {
  checkTimeFormat,
  columnsByName,
  parseColumnSpec,
  parseCsvTime,
  readingsOfRow,
} from '../../src/gateway/csv-readings.ts';
import { ConfigError, ValidationError } from '../../src/errors.ts';

describe('CSV column mappings', () => {
  it('parses CSVCOL=ROOM/PROPERTY with an optional unit', () => {
    expect(parseColumnSpec('t_living=living-room/temperature')).toEqual({
      column: 't_living',
      room: 'living-room',
      property: 'temperature',
    });
    expect(parseColumnSpec('Temp (F)=kitchen/temperature:degF')).toEqual({
      column: 'Temp (F)',
      room: 'kitchen',
      property: 'temperature',
      unit: 'degF',
    });
  });

  it('refuses unknown properties, bad rooms and units that do not fit', () => {
    expect(() => parseColumnSpec('x=kitchen/pressure')).toThrow(ConfigError);
    expect(() => parseColumnSpec('x=Kitchen Room/temperature')).toThrow(/slug/);
    expect(() => parseColumnSpec('x=kitchen/humidity:degF')).toThrow(/does not measure/);
    expect(() => parseColumnSpec('kitchen/temperature')).toThrow(/expected/);
  });

  it('maps fixture-style ROOM-PROPERTY columns by name', () => {
    expect(
      columnsByName(['time', 'living-room-temperature', 'home-energy', 'notes', 'bedroom-1-co2'], 'time'),
    ).toEqual([
      { column: 'living-room-temperature', room: 'living-room', property: 'temperature' },
      { column: 'home-energy', room: 'home', property: 'energy' },
      { column: 'bedroom-1-co2', room: 'bedroom-1', property: 'co2' },
    ]);
  });
});

describe('CSV times', () => {
  it('reads ISO times with Z or an offset whatever the zone', () => {
    expect(parseCsvTime('2026-01-15T09:00:00Z', 'Europe/London')?.toISOString()).toBe(
      '2026-01-15T09:00:00.000Z',
    );
    expect(parseCsvTime('2026-07-15T09:00:00+02:00', 'UTC')?.toISOString()).toBe('2026-07-15T07:00:00.000Z');
  });

  it('reads local times in the given zone, across daylight saving', () => {
    expect(parseCsvTime('2026-01-15 09:00', 'Europe/London')?.toISOString()).toBe('2026-01-15T09:00:00.000Z');
    expect(parseCsvTime('2026-07-15 09:00:00', 'Europe/London')?.toISOString()).toBe(
      '2026-07-15T08:00:00.000Z',
    );
    expect(parseCsvTime('2026-03-29 03:30', 'Europe/London')?.toISOString()).toBe('2026-03-29T02:30:00.000Z');
    expect(parseCsvTime('2026-07-15T09:00', 'UTC')?.toISOString()).toBe('2026-07-15T09:00:00.000Z');
  });

  it('reads epoch seconds and milliseconds and refuses anything else', () => {
    expect(parseCsvTime('1768467600', 'UTC')?.toISOString()).toBe('2026-01-15T09:00:00.000Z');
    expect(parseCsvTime('1768467600000', 'UTC')?.toISOString()).toBe('2026-01-15T09:00:00.000Z');
    for (const bad of ['', 'yesterday', '2026-02-30 10:00', '15/01/2026 09:00'])
      expect(parseCsvTime(bad, 'UTC')).toBeNull();
  });

  it('refuses local times with an hour or minute out of range instead of rolling them over', () => {
    for (const bad of ['2026-01-15 09:60', '2026-01-15 24:00', '2026-01-15 09:00:60'])
      expect(parseCsvTime(bad, 'UTC')).toBeNull();
  });

  it('throws on an unknown zone rather than calling every local time "not a time"', () => {
    expect(() => parseCsvTime('2026-01-15 09:00', 'Mars/Base')).toThrow(ValidationError);
  });
});

describe('CSV times in a --time-format (Luxon tokens)', () => {
  const SAMPLE = 'yyyy/M/d H:mm'; // the UCI sample file: 2016/1/11 17:00

  it("reads the sample file's times in the given zone, one-digit months, days and hours included", () => {
    expect(parseCsvTime('2016/1/11 17:00', 'UTC', SAMPLE)?.toISOString()).toBe('2016-01-11T17:00:00.000Z');
    expect(parseCsvTime('2016/1/11 17:00', 'Europe/Brussels', SAMPLE)?.toISOString()).toBe(
      '2016-01-11T16:00:00.000Z',
    );
    expect(parseCsvTime(' 2016/5/27 9:10 ', 'Europe/Brussels', SAMPLE)?.toISOString()).toBe(
      '2016-05-27T07:10:00.000Z',
    );
    expect(parseCsvTime('2016/1/11 17:00', 'Etc/GMT-1', SAMPLE)?.toISOString()).toBe(
      '2016-01-11T16:00:00.000Z',
    );
  });

  it('reads a time the spring change skips with the offset before it, as the ISO reading does', () => {
    // Brussels, 27 March 2016: 02:00 CET became 03:00 CEST, so 02:30 and 03:30 are the same instant.
    const skipped = parseCsvTime('2016/3/27 2:30', 'Europe/Brussels', SAMPLE)?.toISOString();
    expect(skipped).toBe('2016-03-27T01:30:00.000Z');
    expect(parseCsvTime('2016/3/27 3:30', 'Europe/Brussels', SAMPLE)?.toISOString()).toBe(skipped);
    expect(parseCsvTime('2016-03-27 02:30', 'Europe/Brussels')?.toISOString()).toBe(skipped);
  });

  it('reads a time the autumn change repeats as the second one (standard time), as the ISO reading does', () => {
    // Brussels, 30 October 2016: 02:30 happened at 00:30Z (CEST) and again at 01:30Z (CET).
    expect(parseCsvTime('2016/10/30 2:30', 'Europe/Brussels', SAMPLE)?.toISOString()).toBe(
      '2016-10-30T01:30:00.000Z',
    );
    expect(parseCsvTime('2016-10-30 02:30', 'Europe/Brussels')?.toISOString()).toBe(
      '2016-10-30T01:30:00.000Z',
    );
  });

  it('takes an offset the format reads over the zone', () => {
    expect(parseCsvTime('11.01.2016 17:00 +02:00', 'UTC', 'dd.MM.yyyy HH:mm ZZ')?.toISOString()).toBe(
      '2016-01-11T15:00:00.000Z',
    );
  });

  it('refuses cells not in the format, impossible dates and ISO times the format does not describe', () => {
    for (const bad of ['', 'soon', '2016/2/30 1:00', '2016-01-11 17:00', '2016-01-11T17:00:00Z'])
      expect(parseCsvTime(bad, 'UTC', SAMPLE)).toBeNull();
  });

  it('accepts formats naming a year, a month and a day, or an epoch', () => {
    for (const format of [
      SAMPLE,
      'dd/MM/yyyy HH:mm',
      "yyyy-MM-dd'T'HH:mm:ss",
      'd MMM yyyy H:mm',
      'yyyy-MM-dd',
      'X',
    ])
      expect(() => checkTimeFormat(format, 'Europe/London')).not.toThrow();
  });

  it('refuses a format without a day, month or year with a message naming what is missing', () => {
    expect(() => checkTimeFormat('HH:mm', 'UTC')).toThrow(ConfigError);
    expect(() => checkTimeFormat('HH:mm', 'UTC')).toThrow(
      '--time-format "HH:mm" has no year (yyyy), month (M, MM or MMM), day (d or dd)',
    );
    expect(() => checkTimeFormat('yyyy/M H:mm', 'UTC')).toThrow(/has no day \(d or dd\):/);
    // Moment-style YYYY is no Luxon token; Luxon's DD is a localised date ("Jan 11, 2016"), so that one passes.
    expect(() => checkTimeFormat('YYYY-MM HH:mm', 'UTC')).toThrow(/has no year \(yyyy\), day/);
    expect(() => checkTimeFormat('DD HH:mm', 'UTC')).not.toThrow();
  });

  it('refuses a zone this runtime does not know', () => {
    expect(() => checkTimeFormat(SAMPLE, 'Mars/Base')).toThrow(ValidationError);
  });
});

describe('CSV rows', () => {
  const mapping = {
    timeColumn: 'time',
    timeZone: 'UTC',
    columns: [parseColumnSpec('t=kitchen/temperature:degF'), parseColumnSpec('rh=kitchen/humidity')],
  };

  it('turns a row into readings in canonical units, skipping empty cells and shifting time', () => {
    const { readings, problems } = readingsOfRow(
      { time: '2026-01-15T09:00:00Z', t: '68', rh: '' },
      mapping,
      86_400_000,
    );
    expect(problems).toEqual([]);
    expect(readings).toEqual([
      {
        sensor: 'kitchen-temperature',
        room: 'kitchen',
        property: 'temperature',
        time: new Date('2026-01-16T09:00:00Z'),
        value: 20,
      },
    ]);
  });

  it('names cells that are not numbers and rows without a time', () => {
    expect(readingsOfRow({ time: '2026-01-15T09:00:00Z', t: 'n/a', rh: '50' }, mapping, 0).problems).toEqual([
      't: not a number: "n/a"',
    ]);
    expect(readingsOfRow({ time: 'soon', t: '1', rh: '50' }, mapping, 0).problems).toEqual([
      'time: not a time: "soon"',
    ]);
    const inFormat = { ...mapping, timeFormat: 'yyyy/M/d H:mm' };
    expect(readingsOfRow({ time: '2016-01-11 17:00', t: '1', rh: '50' }, inFormat, 0).problems).toEqual([
      'time: not a time in format "yyyy/M/d H:mm": "2016-01-11 17:00"',
    ]);
    expect(
      readingsOfRow({ time: '2016/1/11 17:00', t: '68', rh: '' }, inFormat, 0).readings[0]?.time,
    ).toEqual(new Date('2016-01-11T17:00:00Z'));
  });
});
