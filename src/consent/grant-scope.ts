// What a consent grants the broker in the resident's pod: Read on the summary containers its metrics need and the home profile.
import { getMetric } from '../metrics/catalogue.ts';
import type { Property } from '../metrics/types.ts';
import type { PodLayout } from '../pod/pod-layout.ts';

/**
 * The resources a consent to `metrics` lets the broker read: one summary container per property the metrics
 * are computed from (the catalogue's `inputs`), and the home profile for the area and dwelling type. Never raw
 * readings, devices or other consents. The broker checks a record names at least these.
 */
export function grantTargets(layout: PodLayout, metrics: readonly string[]): string[] {
  const properties = new Set<Property>();
  for (const id of metrics) for (const input of getMetric(id).inputs) properties.add(input);
  return [...[...properties].sort().map((property) => layout.summaryContainer(property)), layout.homeProfile];
}
