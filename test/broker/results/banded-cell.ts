// A released co2.night.band cell's bands, shared by the results format tests: two bands released, two withheld.
import type { ResultCell } from '../../../src/broker/contract.ts';

export const RELEASED_CO2_BANDS: NonNullable<ResultCell['bands']> = [
  { label: 'below 800 ppm', homes: 10 },
  { label: '800–1000 ppm', homes: null },
  { label: '1000–1500 ppm', homes: null },
  { label: 'above 1500 ppm', homes: 10 },
];
