// Moist-air formulas: saturation and actual vapour pressure, dew point (Magnus) and surface RH (ISO 13788).
import { ISO13788_FRSI, MAGNUS_A, MAGNUS_B_C, MAGNUS_C_HPA } from './thresholds.ts';

/** Saturation vapour pressure over water in hPa at `temperature` °C (Magnus formula). */
export function saturationVapourPressure(temperature: number): number {
  return MAGNUS_C_HPA * Math.exp((MAGNUS_A * temperature) / (MAGNUS_B_C + temperature));
}

/** Water vapour pressure in hPa of air at `temperature` °C and `relativeHumidity` %. */
export function vapourPressure(temperature: number, relativeHumidity: number): number {
  return (relativeHumidity / 100) * saturationVapourPressure(temperature);
}

/** Dew point in °C of air at `temperature` °C and `relativeHumidity` % (> 0), by inverting the Magnus formula. */
export function dewPoint(temperature: number, relativeHumidity: number): number {
  const gamma = Math.log(relativeHumidity / 100) + (MAGNUS_A * temperature) / (MAGNUS_B_C + temperature);
  return (MAGNUS_B_C * gamma) / (MAGNUS_A - gamma);
}

/**
 * Relative humidity in % at an internal wall surface (ISO 13788:2012, 4.2): the surface sits at
 * θsi = θe + fRsi (θi − θe), and the room's vapour pressure meets it; capped at 100 % (condensation).
 */
export function surfaceRelativeHumidity(
  indoorTemperature: number,
  outdoorTemperature: number,
  indoorVapourPressure: number,
  fRsi: number = ISO13788_FRSI,
): number {
  const surfaceTemperature = outdoorTemperature + fRsi * (indoorTemperature - outdoorTemperature);
  return Math.min(100, (100 * indoorVapourPressure) / saturationVapourPressure(surfaceTemperature));
}
