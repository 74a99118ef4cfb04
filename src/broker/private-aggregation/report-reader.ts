// Reads a cell's Prio3 reports from the homes' pods (either aggregator, with its own identity); a bad document is counted, not fatal.
import type { Store } from 'n3';
import type { PodLayout } from '../../pod/index.ts';
import {
  readReport,
  type Prio3Report,
  type Prio3Task,
  type SumEncoding,
} from '../../private-aggregation/index.ts';

/**
 * Reads one pod document as RDF, null when it does not exist. The broker passes its audited, consent-checked
 * reader here; the helper its own authenticated fetch. Kept as a function so this module makes no pod request
 * of its own choosing.
 */
export type ReadDocument = (url: string) => Promise<Store | null>;

/** The reports of one cell, and the homes that had none or a document that is not a valid report for the task. */
export interface CellReports {
  reports: Prio3Report[];
  missing: number;
  malformed: number;
}

/**
 * The reports of `task`, `encoding`'s metric and period in each home's pod. A report whose shares name other
 * aggregators than the task's is malformed: its shares were not sealed to this pair.
 */
export async function readCellReports(
  read: ReadDocument,
  homes: readonly PodLayout[],
  task: Prio3Task,
  encoding: SumEncoding,
): Promise<CellReports> {
  const result: CellReports = { reports: [], missing: 0, malformed: 0 };
  for (const layout of homes) {
    const url = layout.reportDocument(task.id, encoding.metricId, encoding.period);
    const store = await read(url);
    if (store === null) {
      result.missing++;
      continue;
    }
    try {
      const stored = readReport(store, url);
      const [leader, helper] = task.aggregators;
      if (stored.aggregatorIds[0] !== leader.id || stored.aggregatorIds[1] !== helper.id) {
        result.malformed++;
        continue;
      }
      result.reports.push(stored.report);
    } catch {
      result.malformed++;
    }
  }
  return result;
}
