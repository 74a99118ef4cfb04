// The consent record document (`/homedata/consents/<request-id>.ttl`): a DPV consent record that is also the ODRL
// agreement granting the broker access. Written and read here only: the resident's side reads its own records back
// leniently, the broker checks one strictly against what it expects. Pure and browser-safe.
import { DataFactory, type Quad, type Store } from 'n3';
import { ValidationError } from '../../errors.ts';
import { CONSENT_STATUSES, TERMS, type ConsentStatus } from '../../vocab/browser.ts';

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

/** Every value of every property a record document says of its record node and its permissions, as found. */
interface RecordStatements {
  /** The record node's IRI. */
  node: string;
  requestIds: string[];
  statuses: string[];
  purposes: string[];
  assigners: string[];
  answeredAt: string[];
  expiries: string[];
  withdrawals: string[];
  permissions: { assignees: string[]; actions: string[]; targets: string[] }[];
}

/**
 * What a document says of its record: the one dpv:ConsentRecord named inside the document, or a count of how many
 * there are when that is not one (a record of another document, or two records, is not this document's record).
 */
function statementsOf(store: Store, document: string): RecordStatements | { found: number } {
  const nodes = store
    .getSubjects(TERMS.rdf.type, TERMS.dpv.ConsentRecord, null)
    .filter((subject) => subject.termType === 'NamedNode' && subject.value.replace(/#.*$/, '') === document);
  if (nodes.length !== 1) return { found: nodes.length };
  const node = nodes[0]!;
  const values = (subject: Quad['subject'] | Quad['object'], predicate: { value: string }) =>
    store.getObjects(subject, predicate.value, null).map((term) => term.value);
  return {
    node: node.value,
    requestIds: values(node, TERMS.hd.requestId),
    statuses: values(node, TERMS.dpv.hasConsentStatus),
    purposes: values(node, TERMS.dpv.hasPurpose),
    assigners: values(node, TERMS.odrl.assigner),
    answeredAt: values(node, TERMS.dpv.isIndicatedAtTime),
    expiries: values(node, TERMS.hd.expiryTime),
    withdrawals: values(node, TERMS.hd.withdrawalTime),
    permissions: store.getObjects(node, TERMS.odrl.permission, null).map((permission) => ({
      assignees: values(permission, TERMS.odrl.assignee),
      actions: values(permission, TERMS.odrl.action),
      targets: values(permission, TERMS.odrl.target),
    })),
  };
}

/** An xsd:dateTime value as a Date, if present and valid. */
function dateOf(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Reads the record in a record document, or null when the document holds none this module understands: how the
 * resident's side lists its own answers, where one unreadable record must not hide the others.
 */
export function parseConsentRecord(store: Store, document: string): ConsentRecord | null {
  const said = statementsOf(store, document);
  if (!('node' in said)) return null;
  const statusName = CONSENT_STATUSES.find((name) => TERMS.dpv[name].value === said.statuses[0]);
  const [requestId] = said.requestIds;
  const [purpose] = said.purposes;
  const [resident] = said.assigners;
  if (!statusName || !requestId || !purpose || !resident) return null;
  const [permission] = said.permissions;
  return {
    document,
    requestId,
    status: statusName,
    purpose,
    resident,
    answeredAt: dateOf(said.answeredAt[0]) ?? new Date(0),
    broker: permission?.assignees[0],
    targets: permission?.targets,
    expiresAt: dateOf(said.expiries[0]),
    withdrawnAt: dateOf(said.withdrawals[0]),
  };
}

/** What the broker expects a record to say. */
export interface ConsentExpectation {
  /** The document the record was read from; the record node must be in it. */
  recordDocument: string;
  requestId: string;
  purpose: string;
  residentWebId: string;
  brokerWebId: string;
  /** Resources the permission must name at least (the request's summary containers and the home profile). */
  requiredTargets: readonly string[];
  now: Date;
}

/** The parts of a valid record the broker keeps. */
export interface CheckedConsent {
  /** The record node's IRI (named in the broker's access records as hd:underConsent). */
  recordIri: string;
  expiresAt: Date;
  targets: string[];
}

/** The single value of a list, when it has exactly one. */
function single(values: readonly string[]): string | undefined {
  return values.length === 1 ? values[0] : undefined;
}

/**
 * Reads the record in `store` and returns its expiry and targets, or throws a ValidationError listing every way it
 * falls short of `expected`: how the broker reads a record before it counts a consent. The record is the
 * resident's word; the broker counts nothing it does not say.
 */
export function checkConsentRecord(store: Store, expected: ConsentExpectation): CheckedConsent {
  const said = statementsOf(store, expected.recordDocument);
  if (!('node' in said)) {
    throw new ValidationError(
      `The consent record must describe exactly one dpv:ConsentRecord (found ${said.found})`,
      { requestId: expected.requestId },
    );
  }
  const problems: string[] = [];
  if (single(said.requestIds) !== expected.requestId) problems.push('hd:requestId is not this request');
  if (single(said.statuses) !== TERMS.dpv.ConsentGiven.value) problems.push('status is not dpv:ConsentGiven');
  if (!said.purposes.includes(expected.purpose)) problems.push("dpv:hasPurpose is not the request's purpose");
  if (single(said.assigners) !== expected.residentWebId) {
    problems.push('odrl:assigner is not the WebID that called');
  }
  const expiry = single(said.expiries);
  const expiresAt = expiry === undefined ? undefined : dateOf(expiry);
  if (!expiresAt) problems.push('hd:expiryTime is missing or not a date-time');
  else if (expiresAt <= expected.now) problems.push('the consent has expired');

  const permission = said.permissions.length === 1 ? said.permissions[0]! : undefined;
  if (!permission) {
    problems.push('odrl:permission is missing');
  } else {
    if (single(permission.assignees) !== expected.brokerWebId) {
      problems.push("the permission's odrl:assignee is not this broker");
    }
    const { actions, targets } = permission;
    if (!actions.includes(TERMS.odrl.read.value) && !actions.includes(TERMS.odrl.aggregate.value)) {
      problems.push('the permission allows neither odrl:read nor odrl:aggregate');
    }
    const missing = expected.requiredTargets.filter((target) => !targets.includes(target));
    if (missing.length > 0)
      problems.push(`the permission does not cover ${missing.length} resource(s) the request needs`);
  }
  if (problems.length > 0 || !expiresAt) {
    throw new ValidationError(`The consent record does not give this request: ${problems.join('; ')}`, {
      requestId: expected.requestId,
      problems,
    });
  }
  return { recordIri: said.node, expiresAt, targets: permission?.targets ?? [] };
}

/** Whether a record lets the broker read at `now`: given and not yet expired. */
export function isActive(record: ConsentRecord, now: Date): boolean {
  return record.status === 'ConsentGiven' && record.expiresAt !== undefined && record.expiresAt > now;
}
