// A run's progress as a council may see it: coarse steps that never let a small number of homes be inferred.

/**
 * Percentage of homes read, in steps of 10 and below 100 until the run is done. With fewer homes than k it stays
 * at 0 until the end: steps of 1/3 or 1/4 would tell the council how many homes there are.
 */
export function progressPercent(done: number, total: number, k: number): number {
  if (total < k || total === 0) return 0;
  return Math.min(90, Math.floor((done / total) * 10) * 10);
}
