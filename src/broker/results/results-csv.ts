// The results of a run as CSV (RFC 4180): one row per cell, empty figures where a cell is suppressed.
import type { ResultsDocument } from '../contract.ts';

/** A field quoted when it holds a comma, quote or line break. */
function field(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A banded cell's bands in one field: `label: homes` per band, `withheld` where withheld, `; ` between. */
function bandsField(bands: ResultsDocument['cells'][number]['bands']): string | undefined {
  return bands?.map((band) => `${band.label}: ${band.homes ?? 'withheld'}`).join('; ');
}

/**
 * The CSV text: a header, then one line per cell in table order; a dwelling type column only when split by it, a
 * bands column only when a cell has bands.
 */
export function resultsCsv(results: ResultsDocument): string {
  const split = results.cells.some((cell) => cell.dwellingType !== undefined);
  const banded = results.cells.some((cell) => cell.bands !== undefined);
  const header = [
    'area',
    ...(split ? ['dwelling_type'] : []),
    'period',
    'metric',
    'homes',
    'mean',
    'median',
    ...(banded ? ['bands'] : []),
    'suppressed',
    'left_out_low_coverage',
    'left_out_sensor_fault',
  ];
  const lines = [header.join(',')];
  for (const cell of results.cells) {
    const row = [
      cell.area,
      ...(split ? [cell.dwellingType] : []),
      cell.period,
      cell.metric,
      cell.homes,
      cell.mean,
      cell.median,
      ...(banded ? [bandsField(cell.bands)] : []),
      cell.suppressed,
      cell.leftOut.lowCoverage,
      cell.leftOut.sensorFault,
    ];
    lines.push(row.map(field).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
