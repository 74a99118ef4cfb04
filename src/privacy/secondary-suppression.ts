// Secondary suppression: whether a new cell, added to every earlier release, lets anyone derive a figure for < k homes.
import { ValidationError } from '../errors.ts';

/** A run of calendar days, `YYYY-MM-DD`, both ends included. */
export interface DateInterval {
  from: string;
  to: string;
}

/** Which earlier release a conflict is with: its run and request (ids a council may be told, never homes). */
export interface ReleaseRef {
  run: string;
  request: string;
}

/**
 * What was read of one home for one cell: a version per month of the data the cell's figure came from (e.g. a
 * digest of the ETags of that month's summary documents). Null when unknown (releases recorded before versions).
 */
export type HomeDataVersions = Readonly<Record<string, string>> | null;

/** A released (or about to be released) cell as a sum over a set of homes: what the disclosure check compares. */
export interface ReleasedSet {
  release: ReleaseRef;
  metric: string;
  /** The days the cell's figure covers: its period cut to the request's own dates. */
  interval: DateInterval;
  /** Opaque home key (an HMAC, never a WebID or URL) → the versions of what was read for it. */
  homes: ReadonlyMap<string, HomeDataVersions>;
}

/**
 * The rules a cell can be withheld under (secondary suppression against differencing and linked tables, after
 * Hundepool et al., Statistical Disclosure Control, Wiley 2012, chapters 4 and 5 on tabular data):
 * - `differencing`: with one earlier release X, either difference (new \ X, X \ new) has 1 … k−1 homes;
 * - `complementary`: a whole minus its released parts (e.g. a ward minus its Detached and Flat cells) leaves
 *   1 … k−1 homes, or two parts of one whole share 1 … k−1 homes (part + part − whole).
 */
export type DisclosureRule = 'differencing' | 'complementary';

/** Why a cell is withheld: the rule and one earlier release it would combine with. Never how many homes. */
export interface DisclosureConflict {
  rule: DisclosureRule;
  release: ReleaseRef;
}

// A key that starts with a URI scheme is a WebID or pod URL, which must never reach the release history.
const URI_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** Whether two intervals share at least one day. */
export function intervalsOverlap(a: DateInterval, b: DateInterval): boolean {
  return a.from <= b.to && b.from <= a.to;
}

/** The months `YYYY-MM` an interval touches, in order; empty when it ends before it starts. */
export function monthsOfInterval(interval: DateInterval): string[] {
  const last = interval.to.slice(0, 7);
  const months: string[] = [];
  let [year, month] = interval.from.slice(0, 7).split('-').map(Number) as [number, number];
  for (let label = interval.from.slice(0, 7); label <= last;) {
    months.push(label);
    month++;
    if (month > 12) [year, month] = [year + 1, 1];
    label = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
  }
  return months;
}

/** The months `YYYY-MM` of the days both intervals cover; empty when they do not overlap. */
function sharedMonths(a: DateInterval, b: DateInterval): string[] {
  if (!intervalsOverlap(a, b)) return [];
  return monthsOfInterval({ from: a.from > b.from ? a.from : b.from, to: a.to < b.to ? a.to : b.to });
}

/**
 * Homes in both sets whose data differ where the two cells overlap: their figures differ too, so two releases
 * over "the same homes" isolate the change (a backfilled month, a swapped pod). Unknown versions never differ.
 */
function changedHomes(a: ReleasedSet, b: ReleasedSet): Set<string> {
  const changed = new Set<string>();
  const months = sharedMonths(a.interval, b.interval);
  const [small, large] = a.homes.size <= b.homes.size ? [a, b] : [b, a];
  for (const [key, versions] of small.homes) {
    const other = large.homes.get(key);
    if (versions === null || other === null || other === undefined) continue;
    if (months.some((month) => versions[month] !== other[month])) changed.add(key);
  }
  return changed;
}

/** How many homes of `a` are not in `b`, or changed between them. */
function homesOnlyIn(a: ReleasedSet, b: ReleasedSet, changed: ReadonlySet<string>): number {
  let only = changed.size;
  for (const key of a.homes.keys()) if (!b.homes.has(key)) only++;
  return only;
}

/**
 * Whether `part` is a proper part of `whole`: every home of it is in the whole, and the whole has more. A set
 * over the same homes is no part: it repeats the whole (and, subtracted, cancels it rather than cover it).
 */
function isPart(part: ReleasedSet, whole: ReleasedSet): boolean {
  if (part.homes.size >= whole.homes.size) return false;
  for (const key of part.homes.keys()) if (!whole.homes.has(key)) return false;
  return true;
}

/** Whether two sets share a home. */
function shareAHome(a: ReleasedSet, b: ReleasedSet): boolean {
  const [small, large] = a.homes.size <= b.homes.size ? [a, b] : [b, a];
  for (const key of small.homes.keys()) if (large.homes.has(key)) return true;
  return false;
}

/** Whether two cells can be added or subtracted to a figure about some of their homes. */
function comparable(a: ReleasedSet, b: ReleasedSet): boolean {
  return a !== b && a.metric === b.metric && intervalsOverlap(a.interval, b.interval) && shareAHome(a, b);
}

/**
 * The homes of `whole` that its released parts leave over (a part's changed homes are not cancelled by it):
 * sum(whole) − Σ sum(part) isolates them when the parts are disjoint.
 */
function remainder(whole: ReleasedSet, parts: readonly ReleasedSet[]): number {
  const covered = new Set<string>();
  for (const part of parts) {
    const changed = changedHomes(part, whole);
    for (const key of part.homes.keys()) if (!changed.has(key)) covered.add(key);
  }
  let left = 0;
  for (const key of whole.homes.keys()) if (!covered.has(key)) left++;
  return left;
}

/** How many homes two sets share. */
function shared(a: ReleasedSet, b: ReleasedSet): number {
  const [small, large] = a.homes.size <= b.homes.size ? [a, b] : [b, a];
  let count = 0;
  for (const key of small.homes.keys()) if (large.homes.has(key)) count++;
  return count;
}

/** Checks that cohort keys are opaque. */
function assertOpaque(set: ReleasedSet): void {
  for (const key of set.homes.keys()) {
    if (URI_SCHEME.test(key))
      throw new ValidationError('Cohort keys must be opaque (e.g. HMACs), never WebIDs or URLs');
  }
}

/**
 * Whether releasing `candidate` beside every set in `released` (earlier releases of the broker to any council,
 * and cells already released in this run) would let anyone derive a figure for 1 … minimum−1 homes by adding
 * and subtracting released cells of the same metric whose dates overlap. Homes are compared by key and by the
 * data version of what was read, not by cell label. Returns the first conflict found, or null.
 *
 * The rule is sufficient for the combinations it names (pairs, a whole and its parts, two parts of a whole),
 * not for every linear combination: see docs/aggregation.md, "Disclosure control", for its limits.
 */
export function findDisclosureConflict(
  candidate: ReleasedSet,
  released: readonly ReleasedSet[],
  minimum: number,
): DisclosureConflict | null {
  assertOpaque(candidate);
  const small = (homes: number) => homes > 0 && homes < minimum;
  const near = released.filter((set) => comparable(set, candidate));
  // Pairs: new − earlier = (new \ earlier) − (earlier \ new); each side must be empty or at least k homes.
  for (const set of near) {
    const changed = changedHomes(candidate, set);
    if (small(homesOnlyIn(candidate, set, changed)) || small(homesOnlyIn(set, candidate, changed))) {
      return { rule: 'differencing', release: set.release };
    }
  }
  // The candidate as a whole: minus its released parts.
  const parts = near.filter((set) => isPart(set, candidate));
  if (parts.length > 0 && small(remainder(candidate, parts))) {
    return { rule: 'complementary', release: parts[parts.length - 1]!.release };
  }
  for (const [index, part] of parts.entries()) {
    for (const other of parts.slice(index + 1)) {
      if (comparable(part, other) && small(shared(part, other))) {
        return { rule: 'complementary', release: other.release };
      }
    }
  }
  for (const whole of near.filter((set) => isPart(candidate, set))) {
    // The candidate as a part of an earlier whole, beside the whole's other released parts.
    const siblings = released.filter((set) => set !== whole && comparable(set, whole) && isPart(set, whole));
    if (small(remainder(whole, [...siblings, candidate]))) {
      return { rule: 'complementary', release: whole.release };
    }
    // Two parts of one whole: part + part − whole = their shared homes (when they cover the whole).
    for (const sibling of siblings) {
      if (sibling !== candidate && comparable(sibling, candidate) && small(shared(sibling, candidate))) {
        return { rule: 'complementary', release: sibling.release };
      }
    }
  }
  return null;
}
