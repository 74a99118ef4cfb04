// What a consent grants the broker in the resident's pod: Read on the summary containers its metrics need and the
// home profile. The resident's consent module grants exactly these; the broker reads nothing outside them.
import { getMetric, type Property } from '../metrics/index.ts';
import type { PodLayout } from './pod-layout.ts';

/**
 * The resources a consent to `metrics` lets the broker read: one summary container per property the metrics
 * are computed from (the catalogue's `inputs`), and the home profile for the area and dwelling type. Never raw
 * readings, devices or other consents.
 */
export function grantTargets(layout: PodLayout, metrics: readonly string[]): string[] {
  const properties = new Set<Property>();
  for (const id of metrics) for (const input of getMetric(id).inputs) properties.add(input);
  return [...[...properties].sort().map((property) => layout.summaryContainer(property)), layout.homeProfile];
}

/** Whether `url` is one of `targets` or, for a container target, inside it. */
export function isCovered(url: string, targets: readonly string[]): boolean {
  return targets.some((target) => url === target || (target.endsWith('/') && url.startsWith(target)));
}
