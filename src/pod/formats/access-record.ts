// The access record the broker writes into a resident's access log (one document per batch of reads,
// `/homedata/access-log/YYYY-MM/<id>.ttl`): what it read, when, under which request, and which audit rows say so.
// Written by the broker, read back by the resident's page and by the broker's audit check, all here. Pure and
// browser-safe.
import { DataFactory, type Quad, type Store } from 'n3';
import { TERMS } from '../../vocab/browser.ts';

const { namedNode, literal, quad } = DataFactory;

/** One batch of reads of one pod. */
export interface AccessRecord {
  /** The record's own document (`access-log/YYYY-MM/<id>.ttl`). */
  document: string;
  /** Names the record and its document: the hash of the batch's first audit row. */
  id: string;
  startedAt: Date;
  endedAt: Date;
  resources: readonly string[];
  requestId: string;
  consentRecord: string;
  brokerWebId: string;
  /** The broker's audit rows of the resources read (number and row hash), so `homedata audit verify --pods` can
   * hold the broker's database against the resident's own copy. */
  auditRows?: readonly { seq: number; rowHash: string }[];
}

/** `hd:auditRow` literal of one audit row: `<seq>:<row hash>`. */
export function auditRowLiteral(row: { seq: number; rowHash: string }): string {
  return `${row.seq}:${row.rowHash}`;
}

/** The audit row an `hd:auditRow` literal names, or null when it is not one. */
export function parseAuditRowLiteral(text: string): { seq: number; rowHash: string } | null {
  const match = /^([1-9][0-9]{0,15}):([0-9a-f]{64})$/.exec(text);
  return match ? { seq: Number(match[1]), rowHash: match[2]! } : null;
}

/** The IRI of an access record in its document. */
export function accessRecordIri(record: Pick<AccessRecord, 'document' | 'id'>): string {
  return `${record.document}#access-${record.id}`;
}

/** The quads of one access record (hd:AccessRecord, a prov:Activity), shaped by hd:AccessRecordShape. */
export function accessRecordQuads(record: AccessRecord): Quad[] {
  const subject = namedNode(accessRecordIri(record));
  const dateTime = (date: Date) => literal(date.toISOString(), TERMS.xsd.dateTime);
  return [
    quad(subject, TERMS.rdf.type, TERMS.hd.AccessRecord),
    quad(subject, TERMS.rdf.type, TERMS.prov.Activity),
    quad(subject, TERMS.prov.startedAtTime, dateTime(record.startedAt)),
    quad(subject, TERMS.prov.endedAtTime, dateTime(record.endedAt)),
    ...record.resources.map((resource) => quad(subject, TERMS.prov.used, namedNode(resource))),
    quad(subject, TERMS.hd.underRequest, literal(record.requestId)),
    quad(subject, TERMS.hd.underConsent, namedNode(record.consentRecord)),
    quad(subject, TERMS.prov.wasAssociatedWith, namedNode(record.brokerWebId)),
    ...(record.auditRows ?? []).map((row) => quad(subject, TERMS.hd.auditRow, literal(auditRowLiteral(row)))),
  ];
}

/** One access record as read back from a log document. */
export interface AccessEntry {
  iri: string;
  startedAt: Date;
  endedAt: Date;
  requestId: string;
  /** What it read: pod resource URLs, sorted. */
  resources: string[];
  /** Who read: the agent the record is associated with (the broker's WebID), or '' when it names none. */
  reader: string;
  /** The audit rows the record names; rows whose literal is not `<seq>:<hash>` are left out. */
  auditRows: { seq: number; rowHash: string }[];
}

/** The access records in one log document, newest first; a record without a start time or request is skipped. */
export function parseAccessLog(store: Store): AccessEntry[] {
  const entries: AccessEntry[] = [];
  for (const record of store.getSubjects(TERMS.rdf.type, TERMS.hd.AccessRecord, null)) {
    const values = (predicate: { value: string }) =>
      store.getObjects(record, predicate.value, null).map((term) => term.value);
    const [startedAt] = values(TERMS.prov.startedAtTime);
    const [requestId] = values(TERMS.hd.underRequest);
    if (!startedAt || !requestId) continue;
    entries.push({
      iri: record.value,
      startedAt: new Date(startedAt),
      endedAt: new Date(values(TERMS.prov.endedAtTime)[0] ?? startedAt),
      requestId,
      resources: values(TERMS.prov.used).sort(),
      reader: values(TERMS.prov.wasAssociatedWith)[0] ?? '',
      auditRows: values(TERMS.hd.auditRow).flatMap((text) => parseAuditRowLiteral(text) ?? []),
    });
  }
  return entries.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
}
