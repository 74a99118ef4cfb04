// Unit tests of the moist-air formulas against hand-computed Magnus and ISO 13788 values.
import { describe, expect, it } from 'vitest';
import {
  dewPoint,
  saturationVapourPressure,
  surfaceRelativeHumidity,
  vapourPressure,
} from '../../src/metrics/psychrometrics.ts';

describe('psychrometrics', () => {
  it('saturation vapour pressure is 6.112 hPa at 0 °C and about 23.33 hPa at 20 °C', () => {
    expect(saturationVapourPressure(0)).toBe(6.112);
    // 6.112 · exp(17.62 · 20 / 263.12) = 6.112 · 3.81643
    expect(saturationVapourPressure(20)).toBeCloseTo(23.326, 3);
  });

  it('air at 20 °C and 50 % has a dew point of about 9.26 °C', () => {
    // γ = ln 0.5 + 17.62·20/263.12 = 0.646166; Td = 243.12·γ / (17.62 − γ) = 9.2552
    expect(dewPoint(20, 50)).toBeCloseTo(9.2552, 4);
  });

  it('saturated air has its own temperature as dew point', () => {
    expect(dewPoint(10, 100)).toBeCloseTo(10, 10);
  });

  it('a wall at fRsi 0.75 in a 20 °C, 60 % room with 0 °C outside sees about 82 % RH', () => {
    // θsi = 0 + 0.75 · 20 = 15 °C; pv = 0.6 · 23.326 = 13.995 hPa; psat(15) = 17.016 hPa → 82.25 %
    expect(surfaceRelativeHumidity(20, 0, vapourPressure(20, 60))).toBeCloseTo(82.25, 2);
  });

  it('caps surface RH at 100 % where condensation would form', () => {
    expect(surfaceRelativeHumidity(20, -10, vapourPressure(20, 90))).toBe(100);
  });
});
