// Unit tests: a reading is refused only when air cannot have its value; a possible value outside a sensor's range is kept, flagged.
import { describe, expect, it } from 'vitest';
import { checkReading, PHYSICAL_RANGE } from '../../src/gateway/reading-checks.ts';
import type { Property, Reading } from '../../src/metrics/types.ts';

const NOW = new Date('2026-01-15T12:00:00Z');
const SKEW_MS = 300_000;

/** A reading of one property and value at a fixed past instant. */
function reading(property: Property, value: number): Reading {
  return { sensor: 's1', room: 'kitchen', property, time: new Date('2026-01-15T11:00:00Z'), value };
}

/** What the checks made of a value. */
function check(property: Property, value: number) {
  return checkReading(reading(property, value), NOW, SKEW_MS);
}

describe('reading checks', () => {
  it('keeps PM2.5 bursts in the thousands of µg/m³ (cooking, candles), flagged above the sensor range', () => {
    // Fails before issue 18: 2,792 µg/m³ was quarantined as "outside the plausible range 0 to 1000".
    expect(check('pm25', 2_792)).toEqual({
      kind: 'kept',
      reading: { ...reading('pm25', 2_792), flags: ['above-sensor-range'] },
    });
    expect(check('pm25', 1_000)).toEqual({ kind: 'kept', reading: reading('pm25', 1_000) });
  });

  it('keeps a bathroom RH of 100–105 % as 100 %, flagged rh-capped, and refuses above 105 %', () => {
    expect(check('humidity', 101)).toEqual({
      kind: 'kept',
      reading: { ...reading('humidity', 100), flags: ['rh-capped'] },
    });
    expect(check('humidity', 105)).toMatchObject({ kind: 'kept', reading: { value: 100 } });
    expect(check('humidity', 100)).toEqual({ kind: 'kept', reading: reading('humidity', 100) });
    expect(check('humidity', 105.5)).toEqual({
      kind: 'refused',
      reason: 'humidity 105.5 outside the physically possible range 0 to 105',
    });
  });

  it('keeps CO2 above the IDLH and below the 400 ppm baseline, flagged; refuses what air cannot hold', () => {
    expect(check('co2', 45_000)).toMatchObject({ kind: 'kept', reading: { flags: ['above-sensor-range'] } });
    expect(check('co2', 380)).toMatchObject({ kind: 'kept', reading: { flags: ['below-sensor-range'] } });
    expect(check('co2', 400)).toEqual({ kind: 'kept', reading: reading('co2', 400) });
    expect(check('co2', -5)).toMatchObject({ kind: 'refused' });
    expect(check('co2', 1_000_001)).toMatchObject({ kind: 'refused' });
  });

  it('refuses only values beyond the physical bounds of every property', () => {
    for (const [property, [low, high]] of Object.entries(PHYSICAL_RANGE) as [
      Property,
      readonly [number, number],
    ][]) {
      expect(check(property, low).kind).toBe('kept');
      expect(check(property, high).kind).toBe('kept');
      expect(check(property, low - 1).kind).toBe('refused');
      expect(check(property, high + 1).kind).toBe('refused');
    }
    expect(check('temperature', Number.NaN)).toMatchObject({ kind: 'refused' });
  });

  it('still refuses impossible times', () => {
    const future = { ...reading('co2', 600), time: new Date(NOW.getTime() + SKEW_MS + 1) };
    expect(checkReading(future, NOW, SKEW_MS)).toMatchObject({ kind: 'refused' });
    const unset = { ...reading('co2', 600), time: new Date(0) };
    expect(checkReading(unset, NOW, SKEW_MS)).toMatchObject({ kind: 'refused' });
  });
});
