// Checks a consent record read from a resident's pod: it must give this broker this request, for this purpose, until a future time.
import type { Store, Term } from 'n3';
import { ValidationError } from '../../errors.ts';
import { TERMS } from '../../vocab/index.ts';

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

/** The values of `predicate` on `subject`. */
function objects(store: Store, subject: Term, predicate: Term): Term[] {
  return store.getObjects(subject, predicate, null);
}

/**
 * Reads the record in `store` and returns its expiry and targets, or throws a ValidationError listing every way it
 * falls short. The record is the resident's word; the broker counts nothing it does not say.
 */
export function checkConsentRecord(store: Store, expected: ConsentExpectation): CheckedConsent {
  const records = store
    .getSubjects(TERMS.rdf.type, TERMS.dpv.ConsentRecord, null)
    .filter(
      (subject) =>
        subject.termType === 'NamedNode' && subject.value.replace(/#.*$/, '') === expected.recordDocument,
    );
  if (records.length !== 1) {
    throw new ValidationError(
      `The consent record must describe exactly one dpv:ConsentRecord (found ${records.length})`,
      {
        requestId: expected.requestId,
      },
    );
  }
  const record = records[0]!;
  const problems: string[] = [];
  const requestIds = objects(store, record, TERMS.hd.requestId).map((term) => term.value);
  if (requestIds.length !== 1 || requestIds[0] !== expected.requestId)
    problems.push('hd:requestId is not this request');
  const status = objects(store, record, TERMS.dpv.hasConsentStatus).map((term) => term.value);
  if (status.length !== 1 || status[0] !== TERMS.dpv.ConsentGiven.value)
    problems.push('status is not dpv:ConsentGiven');
  if (!objects(store, record, TERMS.dpv.hasPurpose).some((term) => term.value === expected.purpose)) {
    problems.push("dpv:hasPurpose is not the request's purpose");
  }
  const assigners = objects(store, record, TERMS.odrl.assigner).map((term) => term.value);
  if (assigners.length !== 1 || assigners[0] !== expected.residentWebId) {
    problems.push('odrl:assigner is not the WebID that called');
  }
  const expiries = objects(store, record, TERMS.hd.expiryTime).map((term) => new Date(term.value));
  const expiresAt = expiries.length === 1 && !Number.isNaN(expiries[0]!.getTime()) ? expiries[0]! : undefined;
  if (!expiresAt) problems.push('hd:expiryTime is missing or not a date-time');
  else if (expiresAt <= expected.now) problems.push('the consent has expired');

  const permissions = objects(store, record, TERMS.odrl.permission);
  const permission = permissions.length === 1 ? permissions[0]! : undefined;
  let targets: string[] = [];
  if (!permission) {
    problems.push('odrl:permission is missing');
  } else {
    const assignees = objects(store, permission, TERMS.odrl.assignee).map((term) => term.value);
    if (assignees.length !== 1 || assignees[0] !== expected.brokerWebId) {
      problems.push("the permission's odrl:assignee is not this broker");
    }
    const actions = objects(store, permission, TERMS.odrl.action).map((term) => term.value);
    if (!actions.includes(TERMS.odrl.read.value) && !actions.includes(TERMS.odrl.aggregate.value)) {
      problems.push('the permission allows neither odrl:read nor odrl:aggregate');
    }
    targets = objects(store, permission, TERMS.odrl.target).map((term) => term.value);
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
  return { recordIri: record.value, expiresAt, targets };
}
