// Holds the broker's audit log against residents' own access logs: rows missing or changed in a pod, or only there.
import { forEachBounded } from '../../bounded-concurrency.ts';
import { PodError } from '../../errors.ts';
import { PodLayout, parseAccessLog, readTurtle } from '../../pod/index.ts';
import { TERMS } from '../../vocab/index.ts';
import type { Queryable } from '../db/database.ts';
import { readChainState } from './audit-reader.ts';

/** One disagreement between the database and a resident's access log. */
export interface PodAuditFinding {
  kind: 'missing-in-pod' | 'differs-in-pod' | 'missing-in-database' | 'pod-unreadable';
  /** The pod (root URL). */
  pod: string;
  /** The access log month concerned: its container (`access-log/YYYY-MM/`). */
  document: string;
  /** The audit row number; absent for `pod-unreadable`. */
  seq?: number;
  /** What went wrong reading the document, for `pod-unreadable`. */
  detail?: string;
}

/** The outcome of `homedata audit verify --pods`. */
export interface PodAuditReport {
  pods: number;
  documents: number;
  /** Database rows that were expected in a pod and checked there. */
  rowsChecked: number;
  findings: PodAuditFinding[];
}

/** The pod a resource read by the broker lies in: everything before its `homedata/` folder (PodLayout). */
function podOf(resource: string): string {
  return resource.slice(0, resource.lastIndexOf('/homedata/') + 1);
}

/** `YYYY-MM` (UTC) of an instant: the access log month a read went into (as AuditedPodReader writes it). */
function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** Every `YYYY-MM` from `from` to `to`, inclusive. */
function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  for (let current = from; current <= to;) {
    months.push(current);
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
    current = `${year}-${String(month).padStart(2, '0')}`;
  }
  return months;
}

/**
 * Reads, with the broker's fetch, the access log documents of every pod named in the audit log or the consent
 * index (each month from the pod's first read or consent up to `now`), and compares the `hd:auditRow` entries of
 * the broker's access records with the keyed rows of the database. A row that is in the database but not in the
 * pod (or differs there) was written without telling the resident, or changed since; a row only in the pod was
 * deleted from the database (e.g. the newest rows, which the chain alone cannot show). Rows before the keyed chain
 * (older access records carry no row hashes) and pruned rows are left out. Redirects are not followed.
 */
export async function checkAuditAgainstPods(
  db: Queryable,
  deps: { fetch: typeof fetch; brokerWebId: string; now: Date },
): Promise<PodAuditReport> {
  const state = await readChainState(db);
  const after = Math.max(state.keyed_from_seq - 1, state.pruned_through_seq);
  // Only reads that succeeded are recorded in the pod (AuditedPodReader writes no record of a failed read).
  const rows = await db.query<{ seq: number; at: Date; resource: string; row_hash: string }>(
    'SELECT seq, at, resource, row_hash FROM audit_log WHERE seq > $1 ' +
      'AND ((status >= 200 AND status < 300) OR status = 304) ORDER BY seq',
    [after],
  );
  const consents = await db.query<{ pod: string; first: Date }>(
    'SELECT pod, min(given_at) AS first FROM consents GROUP BY pod',
  );
  const expected = new Map<string, Map<number, { hash: string; document: string }>>();
  const firstMonth = new Map<string, string>();
  const notice = (pod: string, month: string) => {
    const known = firstMonth.get(pod);
    if (known === undefined || month < known) firstMonth.set(pod, month);
  };
  for (const row of rows) {
    const pod = podOf(row.resource);
    const month = monthOf(new Date(row.at));
    notice(pod, month);
    const ofPod = expected.get(pod) ?? new Map<number, { hash: string; document: string }>();
    ofPod.set(Number(row.seq), { hash: row.row_hash, document: new PodLayout(pod).accessLogMonth(month) });
    expected.set(pod, ofPod);
  }
  for (const consent of consents) notice(new PodLayout(consent.pod).pod, monthOf(new Date(consent.first)));

  const fetchNoRedirect: typeof fetch = (input, init) => deps.fetch(input, { ...init, redirect: 'manual' });
  const findings: PodAuditFinding[] = [];
  let documents = 0;
  let rowsChecked = 0;
  const pods = [...firstMonth].sort(([a], [b]) => (a < b ? -1 : 1));
  await forEachBounded(pods, POD_CONCURRENCY, async ([pod, first]) => {
    const months = monthsBetween(first, monthOf(deps.now));
    documents += months.length;
    const copy = await readAccessLogRows(fetchNoRedirect, deps.brokerWebId, new PodLayout(pod), months);
    findings.push(
      ...copy.unreadable.map((finding) => ({ ...finding, kind: 'pod-unreadable' as const, pod })),
    );
    const unreadable = new Set(copy.unreadable.map((finding) => finding.document));
    for (const [seq, row] of expected.get(pod) ?? []) {
      if (unreadable.has(row.document)) continue;
      rowsChecked += 1;
      const inPod = copy.rows.get(seq);
      if (!inPod) findings.push({ kind: 'missing-in-pod', pod, document: row.document, seq });
      else if (inPod.hash !== row.hash) {
        findings.push({ kind: 'differs-in-pod', pod, document: row.document, seq });
      }
    }
    for (const [seq, inPod] of copy.rows) {
      if (seq <= after || expected.get(pod)?.has(seq)) continue;
      findings.push({ kind: 'missing-in-database', pod, document: inPod.document, seq });
    }
  });
  findings.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return { pods: firstMonth.size, documents, rowsChecked, findings };
}

/** Pods read at once: enough to overlap slow servers, few enough not to flood one. */
const POD_CONCURRENCY = 4;

/**
 * The `hd:auditRow` entries of the broker's access records in one pod's access log documents for `months`, and
 * the documents that could not be read (a 404 is an empty month).
 */
async function readAccessLogRows(
  fetchFn: typeof fetch,
  broker: string,
  layout: PodLayout,
  months: readonly string[],
): Promise<{
  rows: Map<number, { hash: string; document: string }>;
  unreadable: { document: string; detail: string }[];
}> {
  const rows = new Map<number, { hash: string; document: string }>();
  const unreadable: { document: string; detail: string }[] = [];
  for (const month of months) {
    // A month's records are the documents in its container, and the monthly document of the earlier form (docs/aggregation.md).
    const document = layout.accessLogMonth(month);
    try {
      const listing = await readTurtle(fetchFn, document);
      const urls = listing
        ? listing.store.getObjects(document, TERMS.ldp.contains, null).map((t) => t.value)
        : [];
      for (const url of [layout.legacyAccessLogDocument(month), ...urls]) {
        const log = await readTurtle(fetchFn, url);
        if (!log) continue;
        for (const entry of parseAccessLog(log.store)) {
          if (entry.reader !== broker) continue;
          for (const row of entry.auditRows) rows.set(row.seq, { hash: row.rowHash, document });
        }
      }
    } catch (error) {
      if (!(error instanceof PodError)) throw error;
      unreadable.push({ document, detail: error.message });
    }
  }
  return { rows, unreadable };
}
