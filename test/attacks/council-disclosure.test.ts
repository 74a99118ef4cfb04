// Attacks by a council on the disclosure rules: complementary and overlapping releases, changed data, counts, medians, k.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { parseBrokerConfig } from '../../src/broker/config.ts';
import type { RunCellRow } from '../../src/broker/db/schema/run-cells.ts';
import { consentProgress } from '../../src/broker/requests/request-view.ts';
import { resultsDocument } from '../../src/broker/results/results-document.ts';
import { findRun } from '../../src/broker/runs/run-reader.ts';
import { ConfigError } from '../../src/errors.ts';
import { MIN_COHORT_FLOOR, releaseCell } from '../../src/privacy/index.ts';
import { SyntheticBroker, syntheticHomes } from '../broker/runs/synthetic-broker.ts';
import { attack } from './attack.ts';

const COUNCIL = 'council';
const JANUARY = { from: '2026-01-01', to: '2026-01-31' };

/** The released mean of the cell at `period` (and dwelling type), or null when it was withheld. */
function meanOf(
  cells: readonly RunCellRow[],
  period: string,
  dwellingType: string | null = null,
): number | null {
  const cell = cells.find(
    (candidate) => candidate.period === period && candidate.dwelling_type === dwellingType,
  );
  return cell?.suppressed === false ? cell.mean : null;
}

/** Days `YYYY-MM-DD` from `from` to `to`, inclusive. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let day = new Date(`${from}T00:00:00Z`); day <= new Date(`${to}T00:00:00Z`);) {
    out.push(day.toISOString().slice(0, 10));
    day = new Date(day.getTime() + 86_400_000);
  }
  return out;
}

describe('a council combining releases to single out homes', () => {
  let broker: SyntheticBroker;
  // One broker for all: each attack has its own homes (own index range), so their histories never meet.
  beforeAll(async () => {
    broker = await SyntheticBroker.open();
  }, 60_000);
  afterAll(async () => {
    await broker.close();
  });

  attack(
    {
      id: 'H3',
      attacker: COUNCIL,
      tried: 'ward of 21 (10 Detached, 10 Flat, 1 Bungalow): unsplit, then split; Bungalow = whole − parts',
      expected: 'the split cells that would give the Bungalow away are withheld',
    },
    async () => {
      const ward = [
        ...syntheticHomes(0, 10, 'Detached'),
        ...syntheticHomes(10, 20, 'Flat'),
        ...syntheticHomes(20, 21, 'Bungalow'),
      ];
      const base = {
        council: 'Northbridge',
        metric: 'temperature.mean',
        ...JANUARY,
        granularity: 'month' as const,
      };
      const unsplit = await broker.request({ ...base, homes: ward });
      const whole = await broker.run(unsplit);
      // Second avenue on the same request: ask the run to split (the option the run API used to take).
      const rerun = await broker.run(unsplit, { byDwellingType: true });
      const split = await broker.run(await broker.request({ ...base, split: 'dwellingType', homes: ward }));
      const all = meanOf(whole.cells, '2026-01');
      expect(all).not.toBeNull();
      for (const parts of [rerun.cells, split.cells]) {
        const detached = meanOf(parts, '2026-01', 'Detached');
        const flat = meanOf(parts, '2026-01', 'Flat');
        // The attack: 21·m − 10·m_D − 10·m_F. It needs all three figures.
        expect(detached === null || flat === null, 'whole and both parts were released').toBe(true);
      }
      expect(split.cells.find((cell) => cell.withheld_rule !== null)).toMatchObject({
        withheld_rule: 'complementary',
        withheld_request: unsplit,
        withheld_run: whole.runId,
      });
    },
    60_000,
  );

  attack(
    {
      id: 'H3',
      attacker: COUNCIL,
      tried: 'a month, then its weeks, with one home dropping out of one week (hours metric)',
      expected: 'the week whose cohort is one home short is withheld',
    },
    async () => {
      const homes = syntheticHomes(100, 112, 'Flat');
      homes[5]!.missing = new Set(days('2026-01-12', '2026-01-18'));
      const base = { council: 'Northbridge', metric: 'cold.below18.hours', homes };
      const month = await broker.run(await broker.request({ ...base, ...JANUARY, granularity: 'month' }));
      expect(meanOf(month.cells, '2026-01')).not.toBeNull();
      const weeks = await broker.run(
        await broker.request({ ...base, from: '2026-01-05', to: '2026-01-25', granularity: 'week' }),
      );
      expect(meanOf(weeks.cells, '2026-W02')).not.toBeNull();
      expect(meanOf(weeks.cells, '2026-W03'), 'the week one home short was released').toBeNull();
      expect(weeks.cells.find((cell) => cell.period === '2026-W03')?.withheld_rule).toBe('differencing');
    },
    60_000,
  );

  attack(
    {
      id: 'M4',
      attacker: 'two councils',
      tried: "difference one council's release against another's over the same ward, one home apart",
      expected: "the later release is checked against every council's history and withheld",
    },
    async () => {
      const homes = syntheticHomes(200, 212, 'Flat');
      const base = { metric: 'temperature.mean', ...JANUARY, granularity: 'month' as const };
      const first = await broker.run(await broker.request({ ...base, council: 'Northbridge', homes }));
      const second = await broker.run(
        await broker.request({ ...base, council: 'Southmoor', homes: homes.slice(0, 11) }),
      );
      expect(meanOf(first.cells, '2026-01')).not.toBeNull();
      expect(meanOf(second.cells, '2026-01'), "the other council's release was not consulted").toBeNull();
    },
    60_000,
  );

  attack(
    {
      id: 'M4',
      attacker: COUNCIL,
      tried: 'overlapping date ranges with different labels (a month, then weeks across its end)',
      expected: 'cells are compared by their days, and the one a home short is withheld',
    },
    async () => {
      const homes = syntheticHomes(300, 312, 'Flat');
      // Home 5 was offline from 26 January: still in January (25 of 31 days), out of week 5 (26 Jan – 1 Feb).
      homes[5]!.missing = new Set(days('2026-01-26', '2026-02-01'));
      const base = { council: 'Northbridge', metric: 'temperature.mean', homes };
      const month = await broker.run(await broker.request({ ...base, ...JANUARY, granularity: 'month' }));
      expect(meanOf(month.cells, '2026-01')).not.toBeNull();
      const weeks = await broker.run(
        await broker.request({ ...base, from: '2026-01-19', to: '2026-02-15', granularity: 'week' }),
      );
      expect(meanOf(weeks.cells, '2026-W04')).not.toBeNull();
      expect(meanOf(weeks.cells, '2026-W05'), 'W05 and 2026-01 were never compared').toBeNull();
    },
    60_000,
  );

  attack(
    {
      id: 'M4',
      attacker: COUNCIL,
      tried: "re-run the same cohort after one home's data changed (a backfill) and subtract",
      expected:
        'a changed home counts as another home: the re-run cell is withheld, naming only rule and run',
    },
    async () => {
      const homes = syntheticHomes(400, 412, 'Flat');
      const requestId = await broker.request({
        council: 'Northbridge',
        metric: 'temperature.mean',
        ...JANUARY,
        granularity: 'month',
        homes,
      });
      const before = await broker.run(requestId);
      expect(meanOf(before.cells, '2026-01')).not.toBeNull();
      homes[3]!.temperature += 2;
      homes[3]!.version++;
      const after = await broker.run(requestId);
      // The attack: 12 · (m_after − m_before) is home 3's change.
      expect(meanOf(after.cells, '2026-01'), 'the same keys were exempt though the data changed').toBeNull();
      const run = (await findRun(broker.db, requestId, after.runId))!;
      const [cell] = resultsDocument(run, after.cells).cells;
      expect(cell).toEqual({
        area: cell!.area,
        period: '2026-01',
        metric: 'temperature.mean',
        homes: null,
        mean: null,
        median: null,
        suppressed: true,
        withheld: { rule: 'differencing', request: requestId, run: before.runId },
        // Homes left out are counted over the same homes: withheld with the cell.
        leftOut: { lowCoverage: null, sensorFault: null },
      });
    },
    60_000,
  );
});

describe('a council attacking the disclosure rules', () => {
  attack(
    {
      id: 'M4',
      attacker: COUNCIL,
      tried: 'poll the exact consent count to see one named resident join',
      expected: 'counts are "fewer than k" or rounded to 5',
    },
    () => {
      expect(consentProgress(9, 10).count).toBeNull();
      // 21 → 22 is one resident joining: the council sees the same figure before and after.
      expect(consentProgress(22, 10).count).toBe(consentProgress(21, 10).count);
      expect(consentProgress(21, 10).count! % 5).toBe(0);
    },
  );

  attack(
    {
      id: 'M4',
      attacker: COUNCIL,
      tried: "read one home's value as the median of an odd cohort without DP",
      expected: 'no median is released without differential privacy',
    },
    () => {
      const values = [5, 1, 4, 2, 3, 9, 8, 7, 6, 10, 11];
      expect(releaseCell({ values, k: 10, additive: false }).median).toBeNull();
    },
  );

  attack(
    {
      id: 'H3',
      attacker: COUNCIL,
      tried: 'have the operator configure kFloor below 10',
      expected: 'the broker refuses such a configuration',
    },
    () => {
      const base = {
        issuer: 'http://localhost:1/',
        webId: 'http://localhost:1/broker/profile/card#me',
        clientId: 'id',
        clientSecret: 'secret',
      };
      expect(() => parseBrokerConfig({ ...base, kFloor: 5 })).toThrow(ConfigError);
      expect(parseBrokerConfig(base).kFloor).toBe(MIN_COHORT_FLOOR);
    },
  );
});
