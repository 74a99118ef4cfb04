// Streams a daily summaries document (summaries/<property>/YYYY-MM.ttl) into DailySummary records as it arrives.
import { DailySummaryReader, type DateRange, type SummaryDocument } from '../../pod/index.ts';
import type { DocumentCaps } from '../pod-access/pod-access-limits.ts';
import { parseTurtleStream, type TurtleBody } from './turtle-stream.ts';

export type { DateRange, SummaryDocument };

/**
 * Parses a Turtle summaries document from a byte stream, handing each quad to the format's reader as it arrives,
 * so memory is bounded by the summaries, not the document text. `dates` drops summaries outside the period a run
 * asked for. `caps` bound the triples and subjects taken (the reader keeps one entry per subject); a document
 * over them fails as a whole.
 */
export async function readSummaryStream(
  body: TurtleBody,
  baseIRI: string,
  dates?: DateRange,
  caps?: DocumentCaps,
): Promise<SummaryDocument> {
  const reader = new DailySummaryReader();
  await parseTurtleStream(body, baseIRI, (quad) => reader.add(quad), caps);
  return reader.summaries(dates);
}
