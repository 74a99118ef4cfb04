// Unit tests: CSV column mappings, CSV times in any zone, rows into readings.
import { describe, expect, it } from 'vitest';
import {
  columnsByName,
  parseColumnSpec,
  parseCsvTime,
  readingsOfRow,
} from '../../src/gateway/csv-readings.ts';
import { ConfigError } from '../../src/errors.ts';

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
  });
});
