// What a consent to a request must let the broker read in a pod: the summary containers its metrics need, and the home profile.
import { getMetric } from '../../metrics/index.ts';
import type { Property } from '../../metrics/index.ts';
import { PodLayout } from '../../pod/pod-layout.ts';

/**
 * The pod resources a consent must grant the broker Read on for `metrics`. The resident's consent module
 * computes the same set from the same catalogue; the broker checks the record names at least these.
 */
export function requiredTargets(pod: string, metrics: readonly string[]): string[] {
  const layout = new PodLayout(pod);
  const properties = new Set<Property>();
  for (const id of metrics) for (const input of getMetric(id).inputs) properties.add(input);
  return [...[...properties].sort().map((property) => layout.summaryContainer(property)), layout.homeProfile];
}

/** Whether `url` is one of `targets` or, for a container target, inside it. */
export function isCovered(url: string, targets: readonly string[]): boolean {
  return targets.some((target) => url === target || (target.endsWith('/') && url.startsWith(target)));
}
