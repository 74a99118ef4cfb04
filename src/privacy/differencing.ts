// Refuses a release whose cohort differs from an earlier release's by 1 … k−1 homes: their difference would isolate them.
import { ConflictError, ValidationError } from '../errors.ts';
import { minimumCohort } from './cohort-suppression.ts';

/** The rule name a refusal carries (and the problem slug of its 409). */
export const DIFFERENCING_RULE = 'differencing';

/** An earlier release to the same council: its id, its cell label and the opaque keys of its cohort. */
export interface PriorRelease {
  id: string;
  cell: string;
  /** Opaque per-home keys (e.g. HMACs of the home under a broker secret), never WebIDs or pod URLs. */
  homes: Iterable<string>;
}

/** Why a release is refused: the rule, the earlier release it would combine with, and the size of the difference. */
export interface DifferencingConflict {
  rule: typeof DIFFERENCING_RULE;
  releaseId: string;
  cell: string;
  difference: number;
}

// A key that starts with a URI scheme is a WebID or pod URL, which must never reach the release history.
const URI_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** The key set of a cohort, checked to be opaque. */
function keySet(homes: Iterable<string>): Set<string> {
  const keys = new Set(homes);
  for (const key of keys) {
    if (URI_SCHEME.test(key))
      throw new ValidationError('Cohort keys must be opaque (e.g. HMACs), never WebIDs or URLs');
  }
  return keys;
}

/** Size of the symmetric difference of two sets. */
function symmetricDifference(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const key of small) if (large.has(key)) shared++;
  return a.size + b.size - 2 * shared;
}

/**
 * The first earlier release whose cohort differs from `cohort` by at least 1 and fewer than max(k, floor) homes,
 * whatever its cell (an overlapping area counts like a re-run of the same one); null when none does. An identical
 * cohort is no conflict: it repeats figures already given.
 */
export function findDifferencingConflict(
  cohort: Iterable<string>,
  previous: readonly PriorRelease[],
  k: number,
  floor?: number,
): DifferencingConflict | null {
  const minimum = minimumCohort(k, floor);
  const current = keySet(cohort);
  for (const release of previous) {
    const earlier = keySet(release.homes);
    // Sizes that differ by k or more cannot have a difference below k: skip the set walk.
    if (Math.abs(earlier.size - current.size) >= minimum) continue;
    const difference = symmetricDifference(current, earlier);
    if (difference >= 1 && difference < minimum) {
      return { rule: DIFFERENCING_RULE, releaseId: release.id, cell: release.cell, difference };
    }
  }
  return null;
}

/** Throws a ConflictError (409, problem `differencing`) naming the earlier release when findDifferencingConflict finds one. */
export function assertNoDifferencing(
  cohort: Iterable<string>,
  previous: readonly PriorRelease[],
  k: number,
  floor?: number,
): void {
  const conflict = findDifferencingConflict(cohort, previous, k, floor);
  if (conflict === null) return;
  // The context names the rule and the earlier release only: how many homes differ is itself small-number data.
  throw new ConflictError(
    DIFFERENCING_RULE,
    `Refused: this cohort differs from release ${conflict.releaseId} by fewer than the minimum cohort size`,
    { rule: conflict.rule, conflictingRelease: conflict.releaseId, cell: conflict.cell },
  );
}
