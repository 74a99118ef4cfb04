// Moves readings from the outbox to the pod: one N3 Patch per hourly document, marked delivered only after a 2xx.
import { forEachBounded } from '../bounded-concurrency.ts';
import type { Logger } from '../logging.ts';
import type { PodLayout } from '../pod/index.ts';
import { observationQuads } from './observation-rdf.ts';
import type { OutboxReader, StoredReading } from './outbox-reader.ts';
import type { OutboxWriter } from './outbox-writer.ts';
import type { PodWriter } from './pod-writer.ts';
import type { Quarantine } from './quarantine.ts';

/** Readings read from the outbox per round. */
const ROUND_SIZE = 5000;
/**
 * Readings per patch: CSS rewrites the whole document on each patch (~80 ms at 10k triples, measured) and aborts a
 * lock held over 6 s, so an hour with a large backlog goes in slices of ~10k triples.
 */
const MAX_READINGS_PER_PATCH = 1000;
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

/** One patch: a document and the readings that go into it. */
interface DocumentBatch {
  url: string;
  readings: StoredReading[];
}

/** Groups readings by hourly document, slicing large hours. */
function documentBatches(readings: readonly StoredReading[], layout: PodLayout): DocumentBatch[] {
  const byDocument = new Map<string, StoredReading[]>();
  for (const reading of readings) {
    const url = layout.readingsDocument(reading.time);
    const list = byDocument.get(url);
    if (list) list.push(reading);
    else byDocument.set(url, [reading]);
  }
  const batches: DocumentBatch[] = [];
  for (const [url, list] of byDocument) {
    for (let start = 0; start < list.length; start += MAX_READINGS_PER_PATCH) {
      batches.push({ url, readings: list.slice(start, start + MAX_READINGS_PER_PATCH) });
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
    const outcome = await pod.insert(batch.url, quads);
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
