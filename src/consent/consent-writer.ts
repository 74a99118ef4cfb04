// Changes the resident's consent: grant, refuse, revoke and sweep, each in the resident's own pod and with their own session.
import { ConflictError, HomedataError, NotFoundError, ValidationError } from '../errors.ts';
import {
  type PodLayout,
  readTurtle,
  deleteResource,
  writeTurtle,
  parseHomeProfile,
  consentRecordQuads,
  isActive,
  type ConsentRecord,
  consentTargets,
  helperTargets,
} from '../pod/browser.ts';
import { serializeTurtle } from '../vocab/browser.ts';
import {
  grantBrokerAccess,
  grantHelperAccess,
  readableBy,
  withdrawHelperRead,
  withdrawUnneededRead,
} from './broker-access.ts';
import { GrantRollbackError, type GrantLeftover } from './consent-errors.ts';
import { layoutOf, listConsentRecords, readConsentRecord, type ConsentContext } from './consent-reader.ts';
import type { ResidentSession } from './resident-session.ts';

/** What a grant changed. */
export interface GrantOutcome {
  requestId: string;
  /** The consent record document. */
  record: string;
  /** The broker's WebID, now allowed to read `readable`. */
  broker: string;
  /** Resources the broker may now read: summary containers and the home profile (plus the record itself). */
  readable: string[];
  expiresAt: Date;
}

/** What a revocation or sweep took back. */
export interface WithdrawOutcome {
  /** Requests whose consent ended (withdrawn, or marked expired by a sweep). */
  requestIds: string[];
  /** Resources the broker can no longer read. */
  removed: string[];
}

/** Writes a record document whole, as the owner. */
async function writeRecord(session: ResidentSession, record: ConsentRecord): Promise<void> {
  await writeTurtle(session.fetch, record.document, serializeTurtle(consentRecordQuads(record)));
}

/**
 * The home's area code from the resident's own home profile, read as strictly as the broker will read it: a
 * profile the broker cannot place in a cohort is refused here, before anything is written.
 */
async function homeArea(session: ResidentSession, layout: PodLayout): Promise<string> {
  const profile = await readTurtle(session.fetch, layout.homeProfile);
  if (!profile) throw new ValidationError('Your pod has no home profile (homedata/home)');
  return parseHomeProfile(profile.store).area;
}

/** The clock of a context. */
function clockOf(context: ConsentContext): () => Date {
  return context.now ?? (() => new Date());
}

/**
 * Consents to a request: writes the consent record, grants the broker Read on exactly what the request's metrics
 * need (and the home profile), then tells the broker, which reads the record back before counting it. If a step
 * fails, the record and access are put back as they were; if that fails too, a GrantRollbackError says what may
 * be left behind.
 */
export async function grantConsent(
  context: ConsentContext,
  requestId: string,
  options: { until?: Date } = {},
): Promise<GrantOutcome> {
  const now = clockOf(context)();
  const { session, broker } = context;
  const [info, request, layout] = await Promise.all([
    broker.info(),
    broker.getRequest(requestId),
    layoutOf(context),
  ]);
  if (request.state !== 'open') {
    throw new ConflictError('request-closed', 'This request no longer takes consent', { requestId });
  }
  const area = await homeArea(session, layout);
  if (!request.areas.includes(area)) {
    throw new ValidationError(
      `This request covers areas ${request.areas.join(', ')}, not your home's area ${area}`,
      {
        requestId,
      },
    );
  }
  const consentUntil = new Date(request.consentUntil);
  const expiresAt = options.until && options.until < consentUntil ? options.until : consentUntil;
  if (expiresAt <= now)
    throw new ValidationError('The consent would end before it starts', { field: 'until' });

  const aggregation = request.aggregation ?? 'plain';
  const targets = consentTargets(layout, { ...request, aggregation });
  const helper = aggregation === 'prio3' ? info.privateAggregation?.helper.id : undefined;
  if (aggregation === 'prio3' && helper === undefined) {
    throw new ConflictError('no-helper', 'This prio3 request’s broker names no helper aggregator', {
      requestId,
    });
  }
  const document = layout.consentDocument(requestId);
  const previous = await readConsentRecord(session, layout, requestId);
  await writeRecord(session, {
    document,
    requestId,
    status: 'ConsentGiven',
    purpose: request.purpose,
    resident: session.webId,
    answeredAt: now,
    broker: info.webId,
    targets,
    expiresAt,
  });
  try {
    // The helper first: it also makes the reports container, which the broker's grant needs to exist.
    if (helper !== undefined)
      await grantHelperAccess(session, layout, helper, helperTargets(layout, request));
    await grantBrokerAccess(session, layout, info.webId, targets, document);
    await broker.notifyConsent(requestId, layout.pod);
  } catch (error) {
    const failed = await restore(session, layout, previous, document, info.webId, now);
    if (helper !== undefined) {
      await withdrawHelperRead(session, helper, helperTargets(layout, request)).catch((cause: unknown) =>
        failed.push({ left: 'broker-read', error: cause }),
      );
    }
    if (failed.length > 0) {
      throw new GrantRollbackError(
        { requestId, record: document, leftBehind: failed.map((step) => step.left) },
        error,
        failed.map((step) => step.error),
      );
    }
    throw error;
  }
  return { requestId, record: document, broker: info.webId, readable: targets, expiresAt };
}

/**
 * Puts a record back as it was before a failed grant and takes back Read nothing else needs. Both steps are tried
 * whatever the other does; returns the steps that failed, each with what it may have left behind.
 */
async function restore(
  session: ResidentSession,
  layout: PodLayout,
  previous: ConsentRecord | null,
  document: string,
  broker: string,
  now: Date,
): Promise<{ left: GrantLeftover; error: unknown }[]> {
  const failed: { left: GrantLeftover; error: unknown }[] = [];
  try {
    if (previous) await writeRecord(session, previous);
    else await deleteResource(session.fetch, document);
  } catch (error) {
    failed.push({ left: 'consent-record', error });
  }
  try {
    // Judge what Read is needed by the records as they should now be, even if putting the record back failed.
    const listed = await listConsentRecords(session, layout);
    const records = [
      ...listed.filter((record) => record.document !== document),
      ...(previous ? [previous] : []),
    ];
    const candidates = [...grantTargetsOfAll(listed, broker), document];
    await withdrawUnneededRead(session, broker, candidates, records, now);
  } catch (error) {
    failed.push({ left: 'broker-read', error });
  }
  return failed;
}

/** Every resource any record (active or not) ever let `broker` read: where stale Read may linger. */
function grantTargetsOfAll(records: readonly ConsentRecord[], broker: string): string[] {
  return records.filter((record) => record.broker === broker).flatMap(readableBy);
}

/** Refuses a request: a record saying so, no access change, and the broker is not told (it needs no list of refusals). */
export async function refuseConsent(context: ConsentContext, requestId: string): Promise<{ record: string }> {
  const now = clockOf(context)();
  const [request, layout] = await Promise.all([context.broker.getRequest(requestId), layoutOf(context)]);
  const existing = await readConsentRecord(context.session, layout, requestId);
  if (existing && existing.status !== 'ConsentRefused') {
    throw new ConflictError(
      'already-answered',
      isActive(existing, now)
        ? 'You have consented to this request; revoke the consent instead'
        : 'You have already answered this request',
      { requestId },
    );
  }
  const document = layout.consentDocument(requestId);
  await writeRecord(context.session, {
    document,
    requestId,
    status: 'ConsentRefused',
    purpose: request.purpose,
    resident: context.session.webId,
    answeredAt: now,
  });
  return { record: document };
}

/**
 * Withdraws a consent: first the broker's Read on whatever no other active consent needs (so the pod refuses the
 * broker from here on), then the record (ConsentWithdrawn, with the time), then the broker's index. All of it is
 * done before this returns; repeating it is harmless.
 */
export async function revokeConsent(context: ConsentContext, requestId: string): Promise<WithdrawOutcome> {
  const now = clockOf(context)();
  const { session } = context;
  const layout = await layoutOf(context);
  const records = await listConsentRecords(session, layout);
  const record = records.find((candidate) => candidate.requestId === requestId);
  if (!record || !record.broker) {
    throw new NotFoundError('You have not consented to this request', { requestId });
  }
  const others = records.filter((candidate) => candidate !== record);
  const removed = await withdrawUnneededRead(session, record.broker, readableBy(record), others, now);
  // A prio3 consent also let the helper aggregator read this request’s reports: that goes too.
  const reports = helperTargets(layout, { id: requestId });
  if (record.targets?.includes(reports[0]!)) {
    const helper = (await context.broker.info()).privateAggregation?.helper.id;
    if (helper !== undefined) removed.push(...(await withdrawHelperRead(session, helper, reports)));
  }
  if (record.status === 'ConsentGiven') {
    await writeRecord(session, { ...record, status: 'ConsentWithdrawn', withdrawnAt: now });
  }
  try {
    await context.broker.notifyWithdrawal(requestId);
  } catch (error) {
    // The pod already refuses the broker; only its index lags. Say so, so the resident is not alarmed.
    throw new HomedataError(
      'broker-not-told',
      502,
      'Withdrawn in your pod (the broker can no longer read your data), but the broker could not be told: ' +
        `${(error as Error).message}. Revoke again to tell it.`,
      { requestId },
      error,
    );
  }
  return { requestIds: [requestId], removed };
}

/**
 * Tidies up after expiry: marks given consents past their expiry as ConsentExpired and removes any broker Read
 * that no active consent needs (also Read left behind by an interrupted revocation). Works without the broker:
 * the broker already treats an expired consent as absent.
 */
export async function sweepConsents(context: ConsentContext): Promise<WithdrawOutcome> {
  const now = clockOf(context)();
  const { session } = context;
  const layout = await layoutOf(context);
  const records = await listConsentRecords(session, layout);
  const brokers = new Set(records.flatMap((record) => (record.broker ? [record.broker] : [])));
  const removed: string[] = [];
  for (const broker of brokers) {
    const candidates = grantTargetsOfAll(
      records.filter((record) => !isActive(record, now)),
      broker,
    );
    removed.push(...(await withdrawUnneededRead(session, broker, candidates, records, now)));
  }
  const expired = records.filter((record) => record.status === 'ConsentGiven' && !isActive(record, now));
  await Promise.all(expired.map((record) => writeRecord(session, { ...record, status: 'ConsentExpired' })));
  return { requestIds: expired.map((record) => record.requestId), removed };
}
