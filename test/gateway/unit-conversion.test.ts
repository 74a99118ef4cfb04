// Unit tests: device units to canonical units, and which units a device map may declare.
import { describe, expect, it } from 'vitest';
import { toCanonicalUnit, unitFits } from '../../src/gateway/unit-conversion.ts';

describe('unit normalisation', () => {
  it('converts °F and K to °C', () => {
    expect(toCanonicalUnit('temperature', 'degF', 68)).toBe(20);
    expect(toCanonicalUnit('temperature', 'degF', 70.7)).toBe(21.5);
    expect(toCanonicalUnit('temperature', 'K', 293.15)).toBe(20);
  });

  it('converts a 0–1 humidity fraction to percent', () => {
    expect(toCanonicalUnit('humidity', 'fraction', 0.655)).toBe(65.5);
  });

  it('converts Wh and MJ to kWh, ppb to ppm, mg/m³ to µg/m³', () => {
    expect(toCanonicalUnit('energy', 'Wh', 1250)).toBe(1.25);
    expect(toCanonicalUnit('energy', 'MJ', 3.6)).toBe(1);
    expect(toCanonicalUnit('co2', 'ppb', 812_000)).toBe(812);
    expect(toCanonicalUnit('pm25', 'mgPerM3', 0.012)).toBe(12);
  });

  it('leaves canonical values alone and gives the same decimal every time', () => {
    expect(toCanonicalUnit('temperature', undefined, 21.37)).toBe(21.37);
    expect(toCanonicalUnit('temperature', 'degF', 71.3)).toBe(toCanonicalUnit('temperature', 'degF', 71.3));
    expect(String(toCanonicalUnit('temperature', 'degF', 71.3))).toBe('21.833333');
  });

  it('knows which units measure which property', () => {
    expect(unitFits('temperature', 'degF')).toBe(true);
    expect(unitFits('humidity', 'degF')).toBe(false);
    expect(unitFits('energy', 'Wh')).toBe(true);
  });
});
