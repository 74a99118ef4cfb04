// Reads a cell's Prio3 reports from the homes' pods (either aggregator, with its own identity); a bad document is counted, not fatal.
import type { Store } from 'n3';
import { forEachBounded } from '../../bounded-concurrency.ts';
import type { PodLayout } from '../../pod/index.ts';
import {
  encodingMetrics,
  isSumVectorEncoding,
  readReportDocument,
  type Prio3Report,
  type Prio3ReportEncoding,
} from '../../private-aggregation/index.ts';

/**
 * Reads one pod document as RDF, null when it does not exist; throws when it cannot be read (no grant, a pod that
 * fails). The broker passes its audited, consent-checked reader here; the helper its own guarded, authenticated
 * fetch (helper-pod-reader.ts). Kept as a function so this module makes no pod request of its own choosing.
 */
export type ReadDocument = (url: string) => Promise<Store | null>;

/** The task a report must be for, and the two aggregators (leader, helper) its shares must be sealed to. */
export interface ReportTask {
  id: string;
  aggregators: readonly [leader: { id: string }, helper: { id: string }];
}

/** The reports of one cell, and the homes that had none, a document that is not a valid report, or none readable. */
export interface CellReports<E extends Prio3ReportEncoding = Prio3ReportEncoding> {
  /** In the order of the homes given (homes without a report left out). */
  reports: { report: Prio3Report<E>; home: number }[];
  missing: number;
  malformed: number;
  /** Documents that could not be read: no Read grant (the home does not consent), or a pod that failed. */
  unreadable: number;
}

/** Whether `report` is about `encoding`'s metrics: its encoding is then the catalogue's for them, so `encoding`. */
function isReportOf<E extends Prio3ReportEncoding>(
  report: Prio3Report<Prio3ReportEncoding>,
  encoding: E,
): report is Prio3Report<E> {
  return (
    encodingMetrics(report.encoding) === encodingMetrics(encoding) &&
    report.encoding.period === encoding.period
  );
}

/** Pod documents read at once. */
const READ_CONCURRENCY = 4;

/** Where a home's report of `encoding` for task `taskId` is: its metric's document, or its vector's. */
export function reportUrl(layout: PodLayout, taskId: string, encoding: Prio3ReportEncoding): string {
  return isSumVectorEncoding(encoding)
    ? layout.vectorReportDocument(taskId, encoding.period)
    : layout.reportDocument(taskId, encoding.metricId, encoding.period);
}

/**
 * The reports of `task`, `encoding`'s metric (or vector) and period in each home's pod. A report whose shares name other
 * aggregators than the task's is malformed: its shares were not sealed to this pair; so is one about other metrics.
 */
export async function readCellReports<E extends Prio3ReportEncoding>(
  read: ReadDocument,
  homes: readonly PodLayout[],
  task: ReportTask,
  encoding: E,
): Promise<CellReports<E>> {
  const result: CellReports<E> = { reports: [], missing: 0, malformed: 0, unreadable: 0 };
  const found: (Prio3Report<E> | null)[] = new Array(homes.length).fill(null);
  await forEachBounded(homes, READ_CONCURRENCY, async (layout, index) => {
    const url = reportUrl(layout, task.id, encoding);
    let store: Store | null;
    try {
      store = await read(url);
    } catch {
      result.unreadable++;
      return;
    }
    if (store === null) {
      result.missing++;
      return;
    }
    try {
      const stored = readReportDocument(store, url);
      const [leader, helper] = task.aggregators;
      if (
        stored.aggregatorIds[0] !== leader.id ||
        stored.aggregatorIds[1] !== helper.id ||
        !isReportOf(stored.report, encoding)
      ) {
        result.malformed++;
        return;
      }
      found[index] = stored.report;
    } catch {
      result.malformed++;
    }
  });
  for (const [home, report] of found.entries()) if (report !== null) result.reports.push({ report, home });
  return result;
}
