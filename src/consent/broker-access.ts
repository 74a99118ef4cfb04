// Changes what the broker may do in the resident's pod: grants Read for a consent, and takes back Read no active consent needs.
import { ensureContainer } from '../pod/browser.ts';
import {
  type PodLayout,
  grantAccess,
  readAgentModes,
  revokeAccess,
  withSystem,
  type AccessEditor,
} from '../pod/browser.ts';
import { isActive, type ConsentRecord } from '../pod/browser.ts';
import type { ResidentSession } from './resident-session.ts';

/**
 * The resident's session as an access editor for one change (under WAC the owner keeps Control on every ACL
 * written), with the pod's authorization system discovered once from `resource` and the ancestors' ACLs looked up
 * once, rather than once per grant.
 */
function editorOf(session: ResidentSession, resource: string): Promise<AccessEditor> {
  return withSystem({ fetch: session.fetch, ownerWebId: session.webId, ancestorAcls: new Map() }, resource);
}

/**
 * Grants the broker what one consent needs: Read (with `acl:default` on containers) on the targets, Read on the
 * record document so it can check the consent itself, and Append and Read on `access-log/` so it can say what it
 * read and later check its own audit log against what it said (`homedata audit verify --pods`; the log holds
 * only the broker's own records).
 */
export async function grantBrokerAccess(
  session: ResidentSession,
  layout: PodLayout,
  broker: string,
  targets: readonly string[],
  recordDocument: string,
): Promise<void> {
  const editor = await editorOf(session, layout.root);
  await Promise.all([
    grantAccess(editor, [...targets, recordDocument], broker, ['Read']),
    grantAccess(editor, layout.accessLog, broker, ['Append', 'Read']),
  ]);
}

/**
 * Grants a prio3 request's helper aggregator Read on the home's reports for that request (nothing else: it needs no
 * profile, record or access log). The container is made first: the gateway may not have written a report yet, and
 * an ACL needs its resource.
 */
export async function grantHelperAccess(
  session: ResidentSession,
  layout: PodLayout,
  helper: string,
  targets: readonly string[],
): Promise<void> {
  await Promise.all(targets.map((target) => ensureContainer(session.fetch, target)));
  const editor = await editorOf(session, layout.root);
  await grantAccess(editor, targets, helper, ['Read']);
}

/** Takes back the helper's Read on `targets` where it has it; a prio3 request's reports serve no other consent. */
export async function withdrawHelperRead(
  session: ResidentSession,
  helper: string,
  targets: readonly string[],
): Promise<string[]> {
  return withdrawUnneededRead(session, helper, targets, [], new Date());
}

/** What a record lets the broker read: its targets and the record document itself. */
export function readableBy(record: ConsentRecord): string[] {
  return [...(record.targets ?? []), record.document];
}

/**
 * Removes the broker's Read from each candidate resource that no active consent (in `records`, at `now`) for the
 * same broker still needs; returns those it removed. Resources where the broker holds no Read are left alone, so
 * no ACL document is created where there was none. Append and Read on `access-log/` stay: a read finished just
 * before a revocation must still be able to reach the resident's log, and the log shows only the broker's records.
 */
export async function withdrawUnneededRead(
  session: ResidentSession,
  broker: string,
  candidates: readonly string[],
  records: readonly ConsentRecord[],
  now: Date,
): Promise<string[]> {
  if (candidates.length === 0) return [];
  const editor = await editorOf(session, candidates[0]!);
  const needed = new Set(
    records.filter((record) => record.broker === broker && isActive(record, now)).flatMap(readableBy),
  );
  const unneeded = [...new Set(candidates)].filter((resource) => !needed.has(resource));
  const removed = await Promise.all(
    unneeded.map(async (resource) => {
      if (!(await readAgentModes(editor, resource, broker)).includes('Read')) return null;
      await revokeAccess(editor, resource, broker, ['Read']);
      return resource;
    }),
  );
  return removed.filter((resource): resource is string => resource !== null);
}
