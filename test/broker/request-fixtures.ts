// A council request every rule accepts, for tests to start from and break one field at a time.
import { DEFAULT_PURPOSES } from '../../src/broker/config.ts';

/** The area the test homes are in. */
export const TEST_AREA = 'E05018412';

/** A valid `POST /api/requests` body; `overrides` replace fields. */
export function validRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Damp in Northbridge',
    purpose: DEFAULT_PURPOSES[0],
    description: 'Where damp and mould are worst, to target grants.',
    metrics: ['damp.rh70.hours', 'damp.rh80.hours'],
    areas: [TEST_AREA],
    period: { from: '2026-01-01', to: '2026-01-31' },
    granularity: 'month',
    minCohort: 10,
    consentUntil: '2036-12-31',
    ...overrides,
  };
}
