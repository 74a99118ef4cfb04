// Builds the access record the broker appends to a resident's access log: what it read, when, under which request.
import { DataFactory, type Quad } from 'n3';
import { TERMS } from '../../vocab/index.ts';

const { namedNode, literal, quad } = DataFactory;

/** One batch of reads of one pod. */
export interface AccessRecord {
  /** The access log document (`access-log/YYYY-MM.ttl`). */
  logDocument: string;
  /** Names the record inside the log; deterministic, so a retried patch adds nothing (no blank nodes). */
  id: string;
  startedAt: Date;
  endedAt: Date;
  resources: readonly string[];
  requestId: string;
  consentRecord: string;
  brokerWebId: string;
}

/** The IRI of an access record in its log document. */
export function accessRecordIri(record: Pick<AccessRecord, 'logDocument' | 'id'>): string {
  return `${record.logDocument}#access-${record.id}`;
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
  ];
}
