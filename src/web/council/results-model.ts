// Shapes a request's result cells for the table and charts: by metric, then area and period; suppressed cells kept.
import type { ConsentProgress } from '../../broker/contract.ts';
import type { ResultCell } from '../../broker/contract.ts';

/** The metrics present in the cells, in the order they first appear. */
export function metricsOf(cells: readonly ResultCell[]): string[] {
  return [...new Set(cells.map((cell) => cell.metric))];
}

/** One metric's cells sorted by area (and dwelling type), then period. */
export function cellsOfMetric(cells: readonly ResultCell[], metric: string): ResultCell[] {
  return cells
    .filter((cell) => cell.metric === metric)
    .sort((a, b) => placeOf(a).localeCompare(placeOf(b)) || a.period.localeCompare(b.period));
}

/** A chart's categories (area and period) with the mean of each, null where the cell was suppressed. */
export interface MetricChartData {
  labels: string[];
  means: (number | null)[];
  suppressed: boolean[];
}

/** Where a cell is: its area, and its dwelling type when the request is split by it. */
export function placeOf(cell: ResultCell): string {
  return cell.dwellingType === undefined ? cell.area : `${cell.area} ${cell.dwellingType}`;
}

/** The bars of one metric's chart: one per area (and dwelling type) and period. */
export function chartDataOf(cells: readonly ResultCell[], metric: string): MetricChartData {
  const rows = cellsOfMetric(cells, metric);
  return {
    labels: rows.map((cell) => `${placeOf(cell)} ${cell.period}`),
    means: rows.map((cell) => (cell.suppressed ? null : cell.mean)),
    suppressed: rows.map((cell) => cell.suppressed),
  };
}

/** How many homes a cell stands for, in words: never a count below k. */
export function homesText(cell: ResultCell, k: number): string {
  if (cell.withheld !== undefined) {
    // Secondary suppression: the broker names the earlier release, never how many homes differ.
    return `Suppressed: with run ${cell.withheld.run.slice(0, 8)} of request ${cell.withheld.request.slice(0, 8)} it would reveal fewer than ${k} homes`;
  }
  // A primary suppression says no more: "dominated" would say something about one home.
  if (cell.suppressed || cell.homes === null)
    return `Suppressed: fewer than ${k} homes, or protects a smaller group`;
  return `${cell.homes} homes`;
}

/**
 * Homes left out of a cell for their data, in words, beside its figure: never a count below k (null is "fewer
 * than k"; under differential privacy it is null too).
 */
export function leftOutText(cell: ResultCell, k: number): string {
  // Counts over the same homes as a withheld cell's: withheld with it (the broker sends null), not "fewer than k".
  if (cell.withheld !== undefined) return 'Withheld with the cell';
  const parts: string[] = [];
  const reasons = [
    [cell.leftOut.sensorFault, 'sensor fault'],
    [cell.leftOut.lowCoverage, 'too few hours measured'],
  ] as const;
  for (const [count, reason] of reasons) {
    if (count === 0) continue;
    parts.push(count === null ? `fewer than ${k}: ${reason}` : `${count}: ${reason}`);
  }
  return parts.length === 0 ? 'none' : parts.join('; ');
}

/** Consent progress as a council may see it: "about N" (rounded to 5) from k on, "fewer than k" before. */
export function consentProgressText(progress: ConsentProgress): string {
  if (progress.atLeastK && progress.count !== null) {
    return `About ${progress.count} residents have agreed (rounded to 5)`;
  }
  return `Fewer than ${progress.k} residents have agreed so far`;
}

/** The file name a results download is saved as. */
export function csvFileName(requestId: string, runId: string): string {
  return `homedata-results-${requestId.slice(0, 8)}-run-${runId.slice(0, 8)}.csv`;
}

/** The band labels of a banded metric's cells (from a released one), or null for a metric released as a mean. */
export function bandLabelsOf(cells: readonly ResultCell[]): string[] | null {
  return cells.find((cell) => cell.bands !== undefined)?.bands?.map((band) => band.label) ?? null;
}

/** A band's homes as the council sees them: the rounded count, or "withheld" (below k, or protecting one that is). */
export function bandText(cell: ResultCell, index: number): string {
  const homes = cell.bands?.[index]?.homes ?? null;
  return homes === null ? 'withheld' : String(homes);
}
