// A resident's consent record in RDF: a DPV consent record that is also the ODRL agreement granting the broker access.
import { DataFactory, type Quad, type Store } from 'n3';
import { CONSENT_STATUSES, TERMS, type ConsentStatus } from '../vocab/browser.ts';

const { namedNode, literal, quad } = DataFactory;

/** One answer to one council request, as kept in `/homedata/consents/<request-id>.ttl`. */
export interface ConsentRecord {
  /** The record document. */
  document: string;
  requestId: string;
  status: ConsentStatus;
  /** DPV purpose IRI. */
  purpose: string;
  /** The resident's WebID (assigner and data subject). */
  resident: string;
  /** When the resident answered. */
  answeredAt: Date;
  /** Given (and later withdrawn or expired) consents only: */
  broker?: string;
  /** Pod resources the broker may read: summary containers and the home profile. */
  targets?: string[];
  expiresAt?: Date;
  withdrawnAt?: Date;
}

/** Deterministic node IRIs inside the record document: no blank nodes, so writes and patches stay idempotent. */
export function recordNodes(document: string): {
  record: string;
  permission: string;
  purpose: string;
  expiry: string;
} {
  return {
    record: `${document}#consent`,
    permission: `${document}#permission`,
    purpose: `${document}#purpose`,
    expiry: `${document}#expiry`,
  };
}

const dateTime = (date: Date) => literal(date.toISOString(), TERMS.xsd.dateTime);

/** The quads of a record, shaped by hd:ConsentRecordShape and hd:PermissionShape (vocab/shapes.ttl). */
export function consentRecordQuads(record: ConsentRecord): Quad[] {
  const nodes = recordNodes(record.document);
  const subject = namedNode(nodes.record);
  const quads = [
    quad(subject, TERMS.rdf.type, TERMS.dpv.ConsentRecord),
    quad(subject, TERMS.rdf.type, TERMS.odrl.Agreement),
    quad(subject, TERMS.hd.requestId, literal(record.requestId)),
    quad(subject, TERMS.dpv.hasConsentStatus, TERMS.dpv[record.status]),
    quad(subject, TERMS.dpv.hasPurpose, namedNode(record.purpose)),
    quad(subject, TERMS.odrl.assigner, namedNode(record.resident)),
    quad(subject, TERMS.dpv.hasDataSubject, namedNode(record.resident)),
    quad(subject, TERMS.dpv.isIndicatedAtTime, dateTime(record.answeredAt)),
  ];
  if (record.expiresAt) quads.push(quad(subject, TERMS.hd.expiryTime, dateTime(record.expiresAt)));
  if (record.withdrawnAt) quads.push(quad(subject, TERMS.hd.withdrawalTime, dateTime(record.withdrawnAt)));
  if (record.broker && record.targets && record.expiresAt) {
    const permission = namedNode(nodes.permission);
    const purpose = namedNode(nodes.purpose);
    const expiry = namedNode(nodes.expiry);
    quads.push(
      quad(subject, TERMS.odrl.permission, permission),
      quad(subject, TERMS.dpv.hasRecipient, namedNode(record.broker)),
      quad(permission, TERMS.rdf.type, TERMS.odrl.Permission),
      quad(permission, TERMS.odrl.assignee, namedNode(record.broker)),
      ...record.targets.map((target) => quad(permission, TERMS.odrl.target, namedNode(target))),
      quad(permission, TERMS.odrl.action, TERMS.odrl.read),
      quad(permission, TERMS.odrl.action, TERMS.odrl.aggregate),
      quad(permission, TERMS.odrl.constraint, purpose),
      quad(permission, TERMS.odrl.constraint, expiry),
      quad(purpose, TERMS.rdf.type, TERMS.odrl.Constraint),
      quad(purpose, TERMS.odrl.leftOperand, TERMS.odrl.purpose),
      quad(purpose, TERMS.odrl.operator, TERMS.odrl.eq),
      quad(purpose, TERMS.odrl.rightOperand, namedNode(record.purpose)),
      quad(expiry, TERMS.rdf.type, TERMS.odrl.Constraint),
      quad(expiry, TERMS.odrl.leftOperand, TERMS.odrl.dateTime),
      quad(expiry, TERMS.odrl.operator, TERMS.odrl.lt),
      quad(expiry, TERMS.odrl.rightOperand, dateTime(record.expiresAt)),
    );
  }
  return quads;
}

/** The single value of a property, if any. */
function one(store: Store, subject: string, predicate: { value: string }): string | undefined {
  return store.getObjects(subject, predicate.value, null)[0]?.value;
}

/** An xsd:dateTime value as a Date, if present and valid. */
function dateOf(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Reads the record in a record document, or null when the document holds none this module understands. */
export function parseConsentRecord(store: Store, document: string): ConsentRecord | null {
  const { record } = recordNodes(document);
  const status = one(store, record, TERMS.dpv.hasConsentStatus);
  const requestId = one(store, record, TERMS.hd.requestId);
  const purpose = one(store, record, TERMS.dpv.hasPurpose);
  const resident = one(store, record, TERMS.odrl.assigner);
  const statusName = CONSENT_STATUSES.find((name) => TERMS.dpv[name].value === status);
  if (!statusName || !requestId || !purpose || !resident) return null;
  const permission = one(store, record, TERMS.odrl.permission);
  return {
    document,
    requestId,
    status: statusName,
    purpose,
    resident,
    answeredAt: dateOf(one(store, record, TERMS.dpv.isIndicatedAtTime)) ?? new Date(0),
    broker: permission ? one(store, permission, TERMS.odrl.assignee) : undefined,
    targets: permission
      ? store.getObjects(permission, TERMS.odrl.target.value, null).map((term) => term.value)
      : undefined,
    expiresAt: dateOf(one(store, record, TERMS.hd.expiryTime)),
    withdrawnAt: dateOf(one(store, record, TERMS.hd.withdrawalTime)),
  };
}

/** Whether a record lets the broker read at `now`: given and not yet expired. */
export function isActive(record: ConsentRecord, now: Date): boolean {
  return record.status === 'ConsentGiven' && record.expiresAt !== undefined && record.expiresAt > now;
}
