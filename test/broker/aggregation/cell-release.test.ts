// Cells of a run pass disclosure control: k with ONS rounding, dominance, DP, then secondary suppression against history.
import { describe, expect, it } from 'vitest';
import { releaseCohorts } from '../../../src/broker/aggregation/cell-release.ts';
import { CohortTable, type Cohort } from '../../../src/broker/aggregation/cohorts.ts';
import { computeHomeResults } from '../../../src/broker/aggregation/home-values.ts';
import { planRun } from '../../../src/broker/aggregation/run-plan.ts';
import { daysOfMonth } from '../../../src/metrics/index.ts';
import { seededRandomSource, type ReleasedSet } from '../../../src/privacy/index.ts';

const AREA = 'E05018412';
const OTHER = 'E05018419';

/** Keys `h<from>` … `h<to−1>`. */
const homes = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, index) => `h${from + index}`);

/** A cohort of `values`, homes keyed `h0`, `h1`, … unless keys are given. */
function cohort(values: number[], options: Partial<Cohort> = {}): Cohort {
  return {
    area: AREA,
    dwellingType: null,
    period: '2026-01',
    metric: 'temperature.mean',
    values,
    homeKeys: values.map((_, index) => `h${index}`),
    homeVersions: values.map(() => ({ '2026-01': 'v1' })),
    interval: { from: '2026-01-01', to: '2026-01-31' },
    ...options,
  };
}

const SELF = { run: 'run-2', request: 'request-2' };
const plain = { k: 10, floor: 10, dp: null, self: SELF };

/** An earlier release of January's temperature.mean over homes h0 … h11, by another council's run. */
const earlier: ReleasedSet = {
  release: { run: 'run-1', request: 'request-1' },
  metric: 'temperature.mean',
  interval: { from: '2026-01-01', to: '2026-01-31' },
  homes: new Map(Array.from({ length: 12 }, (_, index) => [`h${index}`, { '2026-01': 'v1' }])),
};

describe('cell release', () => {
  it('releases a cohort of k homes with the count rounded to 5 and the mean to 2 decimals, and no median', () => {
    const values = [17.123, 18, 19, 20, 21, 16, 17, 18, 19, 20, 21, 22];
    const { cells, released } = releaseCohorts([cohort(values)], plain, []);
    expect(cells[0]).toMatchObject({ suppressed: false, homes: 10, mean: 19.01, median: null });
    expect(released).toEqual([
      {
        cell: `${AREA}|*|2026-01|temperature.mean`,
        metric: 'temperature.mean',
        period: '2026-01',
        interval: { from: '2026-01-01', to: '2026-01-31' },
        homeKeys: cohort(values).homeKeys,
        homeVersions: cohort(values).homeVersions,
      },
    ]);
  });

  it('suppresses a cohort below k without a count, and keeps it out of the release history', () => {
    const { cells, released } = releaseCohorts([cohort([18, 19, 20, 21, 22])], plain, []);
    expect(cells[0]).toMatchObject({
      suppressed: true,
      homes: null,
      mean: null,
      median: null,
      reason: 'below-k',
    });
    expect(released).toEqual([]);
  });

  it('suppresses an additive cell dominated by one home', () => {
    const values = [100, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const { cells } = releaseCohorts([cohort(values, { metric: 'energy.kwh.perDay' })], plain, []);
    expect(cells[0]).toMatchObject({ suppressed: true, reason: 'dominance' });
  });

  it('withholds a cohort one home smaller than an earlier release (secondary), naming it, and goes on', () => {
    const smaller = cohort(Array.from({ length: 11 }, () => 18));
    const other = cohort(
      Array.from({ length: 12 }, () => 18),
      { area: OTHER, homeKeys: homes(100, 112) },
    );
    const { cells, released } = releaseCohorts([smaller, other], plain, [earlier]);
    expect(cells[0]).toMatchObject({
      suppressed: true,
      homes: null,
      mean: null,
      reason: 'secondary',
      withheld: { rule: 'differencing', release: { run: 'run-1', request: 'request-1' } },
    });
    expect(cells[1]).toMatchObject({ suppressed: false, homes: 10 });
    expect(released.map((entry) => entry.cell)).toEqual([`${OTHER}|*|2026-01|temperature.mean`]);
  });

  it('withholds the left-out counts of a cell withheld by secondary suppression: they count the same homes', () => {
    const leftOut = { lowCoverage: 15, sensorFault: 0 };
    const smaller = cohort(
      Array.from({ length: 11 }, () => 18),
      { leftOut },
    );
    const other = cohort(
      Array.from({ length: 12 }, () => 18),
      { area: OTHER, homeKeys: homes(100, 112), leftOut },
    );
    const { cells } = releaseCohorts([smaller, other], plain, [earlier]);
    expect(cells[0]).toMatchObject({
      reason: 'secondary',
      leftOutLowCoverage: null,
      leftOutSensorFault: null,
    });
    expect(cells[1]).toMatchObject({ suppressed: false, leftOutLowCoverage: 15, leftOutSensorFault: 0 });
  });

  it('allows a cohort that differs by k homes or more, an identical one, and other metrics or periods', () => {
    const grown = cohort(Array.from({ length: 22 }, () => 18));
    const same = cohort(Array.from({ length: 12 }, () => 18));
    const otherMetric = cohort(
      Array.from({ length: 11 }, () => 18),
      { metric: 'cold.below18.hours' },
    );
    const otherPeriod = cohort(
      Array.from({ length: 11 }, () => 18),
      { period: '2026-02', interval: { from: '2026-02-01', to: '2026-02-28' } },
    );
    for (const candidate of [grown, same, otherMetric, otherPeriod]) {
      expect(releaseCohorts([candidate], plain, [earlier]).cells[0]!.suppressed).toBe(false);
    }
  });

  it('checks a cell against the cells of its own run released before it', () => {
    const first = cohort(Array.from({ length: 12 }, () => 18));
    const second = cohort(
      Array.from({ length: 11 }, () => 18),
      { period: '2026-W03', interval: { from: '2026-01-12', to: '2026-01-18' } },
    );
    const { cells } = releaseCohorts([first, second], plain, []);
    expect(cells[1]).toMatchObject({ suppressed: true, withheld: { rule: 'differencing', release: SELF } });
  });

  it('adds noise under DP: values vary between releases, their mean converges, and no median is given', () => {
    const values = Array.from({ length: 40 }, (_, index) => 15 + (index % 7));
    const truth = values.reduce((sum, value) => sum + value, 0) / values.length;
    const policy = { k: 10, floor: 10, dp: { epsilonPerCell: 1, random: seededRandomSource(7) }, self: SELF };
    const means: number[] = [];
    for (let draw = 0; draw < 400; draw++) {
      const [cell] = releaseCohorts([cohort(values)], policy, []).cells;
      expect(cell!.median).toBeNull();
      if (!cell!.suppressed) means.push(cell!.mean!);
    }
    expect(new Set(means).size).toBeGreaterThan(20);
    const average = means.reduce((sum, value) => sum + value, 0) / means.length;
    expect(Math.abs(average - truth)).toBeLessThan(0.25);
  });
});

describe('cohort table', () => {
  const plan = planRun({
    metrics: ['temperature.mean', 'cold.below18.hours'],
    areas: [AREA, OTHER],
    period: { from: '2026-01-01', to: '2026-01-31' },
    granularity: 'month',
    byDwellingType: false,
  });

  it('lists every cell of the plan in table order, empty ones included, and drops homes of other areas', () => {
    const table = new CohortTable(plan);
    const values = [
      { metric: 'temperature.mean', period: '2026-01', value: 18 },
      { metric: 'cold.below18.hours', period: '2026-01', value: 100 },
    ];
    expect(table.add({ key: 'a', area: AREA, dwellingType: 'Flat', versions: new Map() }, values)).toBe(true);
    expect(
      table.add({ key: 'b', area: 'E05000001', dwellingType: 'Flat', versions: new Map() }, values),
    ).toBe(false);
    const cells = table.cohorts();
    expect(cells.map((cell) => `${cell.area} ${cell.metric} ${cell.values.length}`)).toEqual([
      `${AREA} temperature.mean 1`,
      `${AREA} cold.below18.hours 1`,
      `${OTHER} temperature.mean 0`,
      `${OTHER} cold.below18.hours 0`,
    ]);
    table.clear();
    expect(table.cohorts().every((cell) => cell.values.length === 0)).toBe(true);
  });

  it('gives each home of a cell a version per month of what was read for it, and the cell its days', () => {
    const version = (etag: string, profile = 'etag:"p1"') => {
      const table = new CohortTable(plan);
      const versions = new Map([
        ['profile', profile],
        ['temperature/2026-01', etag],
        ['humidity/2026-01', 'etag:"h"'],
      ]);
      table.add({ key: 'a', area: AREA, dwellingType: 'Flat', versions }, [
        { metric: 'temperature.mean', period: '2026-01', value: 18 },
      ]);
      const [cell] = table.cohorts();
      expect(cell!.interval).toEqual({ from: '2026-01-01', to: '2026-01-31' });
      return cell!.homeVersions[0]!;
    };
    expect(version('etag:"1"')).toEqual(version('etag:"1"'));
    expect(version('etag:"1"')['2026-01']).not.toBe(version('etag:"2"')['2026-01']);
    // A changed home profile (rooms, time zone) changes the home's figures too.
    expect(version('etag:"1"')['2026-01']).not.toBe(version('etag:"1"', 'etag:"p2"')['2026-01']);
    // A version is a short digest, never the ETag or anything read.
    expect(Object.values(version('etag:"1"'))[0]).toMatch(/^[0-9a-f]{16}$/);
  });

  it('counts homes left out of each cell by reason, and releases the counts like home counts', () => {
    const table = new CohortTable(plan);
    for (let index = 0; index < 12; index++) {
      table.addLeftOut({ key: `f${index}`, area: AREA, dwellingType: 'Flat', versions: new Map() }, [
        { metric: 'temperature.mean', period: '2026-01', reason: 'sensor-fault' },
      ]);
    }
    table.addLeftOut({ key: 'g', area: AREA, dwellingType: 'Flat', versions: new Map() }, [
      { metric: 'temperature.mean', period: '2026-01', reason: 'low-coverage' },
    ]);
    table.addLeftOut({ key: 'x', area: 'E05000001', dwellingType: 'Flat', versions: new Map() }, [
      { metric: 'temperature.mean', period: '2026-01', reason: 'low-coverage' },
    ]);
    // A home named by a second consent is still one home.
    table.addLeftOut({ key: 'g', area: AREA, dwellingType: 'Flat', versions: new Map() }, [
      { metric: 'temperature.mean', period: '2026-01', reason: 'low-coverage' },
    ]);
    const cohorts = table.cohorts();
    expect(cohorts[0]!.leftOut).toEqual({ lowCoverage: 1, sensorFault: 12 });
    expect(cohorts[1]!.leftOut).toBeUndefined();
    const { cells } = releaseCohorts(cohorts, plain, []);
    // 12 sensor faults ≥ k: rounded to 10; 1 low-coverage home is below k: not released; none left out: 0.
    expect(cells[0]).toMatchObject({ suppressed: true, leftOutSensorFault: 10, leftOutLowCoverage: null });
    expect(cells[1]).toMatchObject({ leftOutSensorFault: 0, leftOutLowCoverage: 0 });
    const dp = { ...plain, dp: { epsilonPerCell: 1, random: seededRandomSource(1) } };
    expect(releaseCohorts(cohorts, dp, []).cells[0]).toMatchObject({
      leftOutSensorFault: null,
      leftOutLowCoverage: null,
    });
  });

  it('says which metric-periods a home was left out of, and why', () => {
    const stuck = daysOfMonth('2026-01').map((date) => ({
      property: 'temperature' as const,
      room: 'living-room',
      date,
      hoursInDay: 24,
      validHours: 0,
      count: 144,
      mean: 19,
      min: 19,
      max: 19,
      hoursStuck: 24,
    }));
    expect(computeHomeResults(plan, stuck, 'Europe/London')).toEqual({
      values: [],
      leftOut: [
        { metric: 'temperature.mean', period: '2026-01', reason: 'sensor-fault' },
        { metric: 'cold.below18.hours', period: '2026-01', reason: 'sensor-fault' },
      ],
    });
  });

  it('splits by every dwelling type when asked, whether or not a home of that type took part', () => {
    const table = new CohortTable({ ...plan, areas: [AREA], byDwellingType: true });
    table.add({ key: 'a', area: AREA, dwellingType: 'Flat', versions: new Map() }, [
      { metric: 'temperature.mean', period: '2026-01', value: 18 },
    ]);
    const types = new Set(table.cohorts().map((cell) => cell.dwellingType));
    expect(types).toEqual(new Set(['Flat', 'Terraced', 'SemiDetached', 'Detached', 'Bungalow']));
  });
});

describe('banded cells (co2.night.band)', () => {
  const BAND = 'co2.night.band';
  /** Values in the CO2 bands: `counts[i]` homes in band i. */
  const inBands = (counts: readonly number[]) =>
    counts.flatMap((count, band) => Array<number>(count).fill([700, 900, 1200, 1800][band]!));

  it('releases homes per band, rounded to 5, and no mean', () => {
    const values = inBands([12, 11, 14, 18]);
    const { cells } = releaseCohorts([cohort(values, { metric: BAND })], plain, []);
    expect(cells[0]).toMatchObject({
      suppressed: false,
      homes: 55,
      mean: null,
      median: null,
      bands: [
        { label: 'below 800 ppm', homes: 10 },
        { label: '800–1000 ppm', homes: 10 },
        { label: '1000–1500 ppm', homes: 15 },
        { label: 'above 1500 ppm', homes: 20 },
      ],
    });
  });

  it('withholds small bands with their complement, and a cohort below k altogether', () => {
    const { cells } = releaseCohorts(
      [
        cohort(inBands([30, 30, 3, 4]), { metric: BAND }),
        cohort(inBands([5, 4]), { metric: BAND, area: OTHER }),
      ],
      plain,
      [],
    );
    expect(cells[0]!.bands?.map((band) => band.homes)).toEqual([null, 30, null, null]);
    expect(cells[1]).toMatchObject({ suppressed: true, reason: 'below-k', bands: null });
  });

  it('an analyst differencing two band releases one home apart gets the second withheld (secondary suppression)', () => {
    const first = releaseCohorts([cohort(inBands([12, 12, 12, 12]), { metric: BAND })], plain, []);
    expect(first.cells[0]!.suppressed).toBe(false);
    const history: ReleasedSet[] = first.released.map((set) => ({
      release: { run: 'run-1', request: 'request-1' },
      metric: set.metric,
      interval: set.interval,
      homes: new Map(set.homeKeys.map((key, index) => [key, set.homeVersions[index] ?? null])),
    }));
    // The same homes and one more: its band (the difference of the two tables) would be that home's.
    const plusOne = cohort(inBands([13, 12, 12, 12]), { metric: BAND });
    const { cells } = releaseCohorts([plusOne], plain, history);
    expect(cells[0]).toMatchObject({ suppressed: true, reason: 'secondary', bands: null });
    expect(cells[0]!.withheld).toMatchObject({ rule: 'differencing' });
  });

  it('noises each band under DP and releases the noisy total, never the exact count', () => {
    const values = inBands([40, 40, 40, 40]);
    const dp = { ...plain, dp: { epsilonPerCell: 1, random: seededRandomSource(3) } };
    const { cells } = releaseCohorts([cohort(values, { metric: BAND })], dp, []);
    const bands = cells[0]!.bands!.map((band) => band.homes!);
    expect(bands.every((homes) => homes % 5 === 0)).toBe(true);
    expect(bands).not.toEqual([40, 40, 40, 40]);
    expect(cells[0]!.mean).toBeNull();
  });
});
