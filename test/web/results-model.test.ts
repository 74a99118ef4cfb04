// The council sees each metric by area and period, suppressed cells as such, and never a count below k.
import { describe, expect, it } from 'vitest';
import type { ResultCell } from '../../src/broker/contract.ts';
import {
  bandLabelsOf,
  bandText,
  cellsOfMetric,
  chartDataOf,
  consentProgressText,
  csvFileName,
  homesText,
  leftOutText,
  metricsOf,
} from '../../src/web/council/results-model.ts';

const released = (area: string, period: string, metric: string, mean: number): ResultCell => ({
  area,
  period,
  metric,
  homes: 10,
  mean,
  median: mean,
  suppressed: false,
  leftOut: { lowCoverage: 0, sensorFault: 0 },
});
const suppressed = (area: string, period: string, metric: string): ResultCell => ({
  area,
  period,
  metric,
  homes: null,
  mean: null,
  median: null,
  suppressed: true,
  leftOut: { lowCoverage: null, sensorFault: null },
});

const CELLS = [
  suppressed('E05018419', '2026-01', 'damp.rh70.hours'),
  released('E05018412', '2026-02', 'damp.rh70.hours', 120),
  released('E05018412', '2026-01', 'damp.rh70.hours', 140),
  released('E05018412', '2026-01', 'temperature.mean', 18.2),
];

describe('results model', () => {
  it('lists metrics in first-seen order and sorts a metric’s cells by area, then period', () => {
    expect(metricsOf(CELLS)).toEqual(['damp.rh70.hours', 'temperature.mean']);
    expect(cellsOfMetric(CELLS, 'damp.rh70.hours').map((cell) => `${cell.area} ${cell.period}`)).toEqual([
      'E05018412 2026-01',
      'E05018412 2026-02',
      'E05018419 2026-01',
    ]);
  });

  it('charts a suppressed cell as a gap that is marked, not as zero', () => {
    expect(chartDataOf(CELLS, 'damp.rh70.hours')).toEqual({
      labels: ['E05018412 2026-01', 'E05018412 2026-02', 'E05018419 2026-01'],
      means: [140, 120, null],
      suppressed: [false, false, true],
    });
  });

  it('says how many homes were left out, and why, never a count below k', () => {
    const cell = CELLS[1]!;
    expect(leftOutText(cell, 10)).toBe('none');
    expect(leftOutText({ ...cell, leftOut: { lowCoverage: null, sensorFault: 15 } }, 10)).toBe(
      '15: sensor fault; fewer than 10: too few hours measured',
    );
  });

  it('says "fewer than k" instead of a small count', () => {
    expect(homesText(CELLS[0]!, 10)).toBe('Suppressed: fewer than 10 homes, or protects a smaller group');
    expect(homesText(CELLS[1]!, 10)).toBe('10 homes');
    expect(consentProgressText({ k: 10, atLeastK: false, count: null })).toBe(
      'Fewer than 10 residents have agreed so far',
    );
    expect(consentProgressText({ k: 10, atLeastK: true, count: 15 })).toBe(
      'About 15 residents have agreed (rounded to 5)',
    );
  });

  it('says which earlier release a withheld cell would combine with, and no count', () => {
    const withheld: ResultCell = {
      ...suppressed('E05018412', '2026-01', 'temperature.mean'),
      withheld: { rule: 'complementary', request: '5b0d3c56-1b8e', run: 'e1f7a2b3-9c0d' },
    };
    expect(homesText(withheld, 10)).toBe(
      'Suppressed: with run e1f7a2b3 of request 5b0d3c56 it would reveal fewer than 10 homes',
    );
    // Its left-out counts are withheld with it (the broker sends null): not "fewer than k", which they may not be.
    expect(leftOutText({ ...withheld, leftOut: { lowCoverage: null, sensorFault: null } }, 10)).toBe(
      'Withheld with the cell',
    );
  });

  it('names the CSV after the request and run', () => {
    expect(csvFileName('1760cce9-07c1-43e3', 'abcdef12-3456')).toBe(
      'homedata-results-1760cce9-run-abcdef12.csv',
    );
  });

  it('shows a banded metric as homes per band, withheld bands as such, and knows a metric with a mean has none', () => {
    const banded: ResultCell = {
      area: 'E05018412',
      period: '2026-01',
      metric: 'co2.night.band',
      homes: 40,
      mean: null,
      median: null,
      bands: [
        { label: 'below 800 ppm', homes: 20 },
        { label: 'above 800 ppm', homes: null },
      ],
      suppressed: false,
      leftOut: { lowCoverage: 0, sensorFault: 0 },
    };
    expect(bandLabelsOf([banded])).toEqual(['below 800 ppm', 'above 800 ppm']);
    expect([0, 1].map((index) => bandText(banded, index))).toEqual(['20', 'withheld']);
    expect(bandLabelsOf([released('E05018412', '2026-01', 'temperature.mean', 18)])).toBeNull();
  });
});
