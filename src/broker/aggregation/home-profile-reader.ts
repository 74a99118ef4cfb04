// Reads a home profile document as it streams in, through the one home profile format: what a home's cohort is formed from.
import { DocumentFormatError } from '../../pod/index.ts';
import { HomeProfileReader, type HomePlacement } from '../../pod/index.ts';
import type { DocumentCaps } from '../pod-access/pod-access-limits.ts';
import { parseTurtleStream, type TurtleBody } from './turtle-stream.ts';

/**
 * Where a home counts, or null when its profile lacks an area code or a known dwelling type, names either twice,
 * or names a time zone that does not exist: such a home cannot be placed in a cohort and is left out of the run.
 * Only the placement is kept (not the rooms): it is what the run's data version of the profile digests.
 */
export async function readHomePlacement(
  body: TurtleBody,
  baseIRI: string,
  caps?: DocumentCaps,
): Promise<HomePlacement | null> {
  const reader = new HomeProfileReader();
  await parseTurtleStream(body, baseIRI, (quad) => reader.add(quad), caps);
  try {
    const { area, dwellingType, timeZone } = reader.profile();
    return { area, dwellingType, timeZone };
  } catch (error) {
    if (error instanceof DocumentFormatError) return null;
    throw error;
  }
}
