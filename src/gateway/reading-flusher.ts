// Moves readings from the outbox to the pod: one new document per hour per flush, marked delivered only after a 2xx.
import { forEachBounded } from '../bounded-concurrency.ts';
import type { Logger } from '../logging.ts';
import type { PodLayout } from '../pod/index.ts';
import { observationQuads, readingsDocumentPrefixes } from './observation-rdf.ts';
import type { OutboxReader, StoredReading } from './outbox-reader.ts';
import type { OutboxWriter } from './outbox-writer.ts';
import type { PodWriter } from './pod-writer.ts';
import type { Quarantine } from './quarantine.ts';

/** Readings read from the outbox per round. */
const ROUND_SIZE = 5000;
/**
 * Readings per document: one flush of a home (5 minutes, ~13 sensors) is ~65; a backlog (a pod outage, a CSV
 * replay) goes in documents of up to this many, ~10k triples, which CSS writes in one request.
 */
const MAX_READINGS_PER_DOCUMENT = 1000;
/** Documents written at once: enough to hide latency, few enough not to crowd one pod server. */
const CONCURRENCY = 4;

/** The result of one flush. */
export interface FlushReport {
  /** Readings now in the pod. */
  delivered: number;
  /** Readings the pod refused, now in the quarantine file. */
  refused: number;
  /** Successful pod writes. */
  writes: number;
  /** Set when a write must be retried later; readings not delivered stay in the outbox. */
  retry?: { reason: string; retryAfterMs?: number };
}

/** One new document: where it goes and the readings in it. */
interface DocumentBatch {
  url: string;
  /** The hour container the document goes in. */
  hour: string;
  readings: StoredReading[];
}

/**
 * Groups readings by hour, slicing large hours, and names each document by its smallest reading key. A flush
 * retried after the pod wrote it but before the outbox recorded that (a crash, a lost answer) has the same
 * readings, or more, under the same smallest key: it lands on the same document, where the insert that follows
 * the refused create adds nothing twice (PodWriter.create).
 */
function documentBatches(readings: readonly StoredReading[], layout: PodLayout): DocumentBatch[] {
  const byHour = new Map<string, StoredReading[]>();
  for (const reading of readings) {
    const hour = layout.readingsHour(reading.time);
    const list = byHour.get(hour);
    if (list) list.push(reading);
    else byHour.set(hour, [reading]);
  }
  const batches: DocumentBatch[] = [];
  for (const [hour, list] of byHour) {
    list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (let start = 0; start < list.length; start += MAX_READINGS_PER_DOCUMENT) {
      const slice = list.slice(start, start + MAX_READINGS_PER_DOCUMENT);
      batches.push({ url: layout.readingsDocument(slice[0]!.time, slice[0]!.key), hour, readings: slice });
    }
  }
  return batches;
}

/** Everything a flusher works with. */
export interface FlusherParts {
  reader: OutboxReader;
  writer: OutboxWriter;
  pod: PodWriter;
  layout: PodLayout;
  quarantine: Quarantine;
  logger: Logger;
  now: () => Date;
}

/** Flushes the outbox to the pod. One flush at a time: the caller (the scheduler) makes sure of it. */
export class ReadingFlusher {
  private readonly parts: FlusherParts;

  constructor(parts: FlusherParts) {
    this.parts = parts;
  }

  /**
   * Writes every pending reading, round after round, until none is left, a write must wait, or `stopRequested`
   * says so (then the writes in flight finish and are recorded, and no new one starts).
   */
  async flush(
    onProgress?: (delivered: number) => void,
    stopRequested: () => boolean = () => false,
  ): Promise<FlushReport> {
    const report: FlushReport = { delivered: 0, refused: 0, writes: 0 };
    while (!stopRequested()) {
      const readings = await this.parts.reader.pending(ROUND_SIZE);
      if (readings.length === 0) return report;
      await forEachBounded(
        documentBatches(readings, this.parts.layout),
        CONCURRENCY,
        async (batch) => {
          await this.writeBatch(batch, report);
          onProgress?.(report.delivered);
        },
        () => report.retry !== undefined || stopRequested(),
      );
      if (report.retry) return report;
    }
    return report;
  }

  /** Writes one document's readings and records the outcome in the outbox. */
  private async writeBatch(batch: DocumentBatch, report: FlushReport): Promise<void> {
    const { pod, writer, layout, quarantine, logger, now } = this.parts;
    const quads = batch.readings.flatMap((reading) => observationQuads(reading, layout, reading.key));
    const outcome = await pod.create(batch.url, quads, {
      prefixes: readingsDocumentPrefixes(layout, batch.hour),
    });
    const keys = batch.readings.map((reading) => reading.key);
    if (outcome.kind === 'written') {
      await writer.markDelivered(keys);
      report.delivered += keys.length;
      report.writes++;
      logger.debug({ document: batch.url, readings: keys.length }, 'document written');
    } else if (outcome.kind === 'refused') {
      logger.error(
        { document: batch.url, status: outcome.status, readings: keys.length },
        'pod refused a batch; quarantined',
      );
      await quarantine.add(
        [
          {
            source: 'pod',
            where: batch.url,
            reason: `pod answered ${outcome.status}: ${outcome.reason}`,
            raw: batch.readings.map(({ key: _key, ...reading }) => ({
              ...reading,
              time: reading.time.toISOString(),
            })),
          },
        ],
        now(),
      );
      await writer.discard(keys);
      report.refused += keys.length;
    } else {
      report.retry ??= {
        reason: outcome.reason,
        ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
      };
    }
  }
}
