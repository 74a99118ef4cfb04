// Privacy: disclosure control for aggregates: k-suppression with ONS rounding, dominance, secondary suppression, optional DP.
// Pure: may import only its own files, src/metrics types and src/errors.ts; randomness comes in as a RandomSource.
export * from './band-release.ts';
export * from './cohort-suppression.ts';
export * from '../random-source.ts';
export * from './rational.ts';
export { sampleDiscreteLaplace, uniformBelow } from './discrete-laplace.ts';
export * from './dp-release.ts';
export * from './secondary-suppression.ts';
