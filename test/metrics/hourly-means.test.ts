// Unit tests of hourly values: local hours on DST days, duplicates, gaps, energy sums.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { hourlyValues } from '../../src/metrics/hourly-means.ts';
import type { Property, Reading } from '../../src/metrics/types.ts';

const LONDON = 'Europe/London';

function reading(time: string, value: number, sensor = 'th1', property: Property = 'temperature'): Reading {
  return { sensor, room: 'living-room', property, time: new Date(time), value };
}

describe('hourly values', () => {
  it('averages the readings of one hour', () => {
    const hours = hourlyValues(
      [
        reading('2026-01-10T09:00:00Z', 18),
        reading('2026-01-10T09:30:00Z', 20),
        reading('2026-01-10T09:59:59Z', 22),
      ],
      LONDON,
    );
    expect(hours).toEqual([
      {
        date: '2026-01-10',
        index: 9,
        localHour: 9,
        start: Date.parse('2026-01-10T09:00:00Z'),
        value: 20,
        count: 3,
      },
    ]);
  });

  it('counts a duplicated reading once', () => {
    const hours = hourlyValues(
      [
        reading('2026-01-10T09:00:00Z', 20),
        reading('2026-01-10T09:00:00Z', 20),
        reading('2026-01-10T09:30:00Z', 30),
      ],
      LONDON,
    );
    expect(hours[0]).toMatchObject({ value: 25, count: 2 });
  });

  it('keeps two sensors of a room apart even at the same instant', () => {
    const hours = hourlyValues(
      [reading('2026-01-10T09:00:00Z', 20, 'th1'), reading('2026-01-10T09:00:00Z', 22, 'th2')],
      LONDON,
    );
    expect(hours[0]).toMatchObject({ value: 21, count: 2 });
  });

  it('leaves hours without readings out', () => {
    const hours = hourlyValues(
      [reading('2026-01-10T08:10:00Z', 18), reading('2026-01-10T11:10:00Z', 19)],
      LONDON,
    );
    expect(hours.map((hour) => hour.index)).toEqual([8, 11]);
  });

  it('sums energy within an hour instead of averaging', () => {
    const hours = hourlyValues(
      [
        reading('2026-01-10T09:00:00Z', 0.25, 'meter', 'energy'),
        reading('2026-01-10T09:30:00Z', 0.5, 'meter', 'energy'),
      ],
      LONDON,
    );
    expect(hours[0]).toMatchObject({ value: 0.75, count: 2 });
  });

  it('the repeated 01:00 of a 25-hour day is two distinct hours', () => {
    const hours = hourlyValues(
      [reading('2026-10-25T00:30:00Z', 20), reading('2026-10-25T01:30:00Z', 10)],
      LONDON,
    );
    expect(hours.map(({ date, index, localHour, value }) => ({ date, index, localHour, value }))).toEqual([
      { date: '2026-10-25', index: 1, localHour: 1, value: 20 },
      { date: '2026-10-25', index: 2, localHour: 1, value: 10 },
    ]);
  });

  it('after the skipped hour of a 23-hour day, hour index 1 is 02:00 local', () => {
    const hours = hourlyValues(
      [reading('2026-03-29T00:30:00Z', 20), reading('2026-03-29T01:30:00Z', 21)],
      LONDON,
    );
    expect(hours.map(({ index, localHour }) => [index, localHour])).toEqual([
      [0, 0],
      [1, 2],
    ]);
  });

  it('puts a reading in its local day, not its UTC day', () => {
    const hours = hourlyValues([reading('2026-07-01T23:30:00Z', 20)], LONDON);
    expect(hours[0]).toMatchObject({ date: '2026-07-02', index: 0, localHour: 0 });
  });

  it('refuses readings of different rooms or properties', () => {
    expect(() =>
      hourlyValues(
        [reading('2026-01-10T09:00:00Z', 20), reading('2026-01-10T09:00:00Z', 50, 'th1', 'humidity')],
        LONDON,
      ),
    ).toThrow(ValidationError);
  });

  it('refuses a reading that is not a number', () => {
    expect(() => hourlyValues([reading('2026-01-10T09:00:00Z', Number.NaN)], LONDON)).toThrow(
      ValidationError,
    );
  });
});
