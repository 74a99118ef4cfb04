// Grants and revokes WAC access for one agent on a container and its members, keeping the owner's Control.
import { createHash } from 'node:crypto';
import { DataFactory, Store } from 'n3';
import { ACL, TERMS, serializeTurtle } from '../vocab/browser.ts';
import { findAclUrl, readTurtle, type TurtleDocument } from './resource-read.ts';
import { editUntilLanded, writeTurtle } from './resource-write.ts';

const { namedNode, quad } = DataFactory;
const { acl } = TERMS;

export type AccessMode = 'Read' | 'Append' | 'Write' | 'Control';

/** Who changes an ACL: the pod owner's session. */
export interface AclEditor {
  fetch: typeof fetch;
  /** The owner's WebID; kept with Read, Write and Control on every ACL this module writes. */
  ownerWebId: string;
  /**
   * Ancestors' ACL documents as this editor's edits found them, shared by every edit made through it (otherwise
   * each call looks them up anew): give one to an editor that makes one change of a pod in several calls, e.g. a
   * pod's set-up or one consent's grants. An edit forgets the ACL it writes, so a later edit below reads it again.
   */
  ancestorAcls?: AncestorAcls;
}

/** The fragment of the one authorization this module keeps per agent: stable, so edits find it again. */
function authorizationIri(aclUrl: string, agentWebId: string): string {
  const digest = createHash('sha256').update(agentWebId).digest('hex').slice(0, 16);
  return `${aclUrl}#agent-${digest}`;
}

/** Writes an authorization for `agent` with `modes` on `target` (and its members when a container). */
function addAuthorization(
  store: Store,
  iri: string,
  agent: string,
  target: string,
  modes: AccessMode[],
): void {
  const subject = namedNode(iri);
  store.addQuad(quad(subject, TERMS.rdf.type, acl.Authorization));
  store.addQuad(quad(subject, acl.agent, namedNode(agent)));
  store.addQuad(quad(subject, acl.accessTo, namedNode(target)));
  // acl:default is what makes a grant reach a container's members; setAgentAccess never writes it (measured).
  if (target.endsWith('/')) store.addQuad(quad(subject, acl.default, namedNode(target)));
  for (const mode of modes) store.addQuad(quad(subject, acl.mode, acl[mode]));
}

/** Modes `agent` holds through authorizations in this ACL document. */
function modesOf(store: Store, agent: string): Set<AccessMode> {
  const modes = new Set<AccessMode>();
  for (const auth of store.getSubjects(acl.agent, namedNode(agent), null)) {
    for (const mode of store.getObjects(auth, acl.mode, null)) {
      modes.add(mode.value.slice(ACL.base.length) as AccessMode);
    }
  }
  return modes;
}

/** Removes every authorization in the document that names `agent` (and only that agent). */
function removeAgent(store: Store, agent: string): void {
  for (const auth of store.getSubjects(acl.agent, namedNode(agent), null)) {
    const agents = store.getObjects(auth, acl.agent, null);
    if (agents.length === 1) {
      store.removeQuads(store.getQuads(auth, null, null, null));
    } else {
      store.removeQuad(quad(auth as ReturnType<typeof namedNode>, acl.agent, namedNode(agent)));
    }
  }
}

/** The container that holds `url`, or null at the server root. */
function parentOf(url: string): string | null {
  const path = new URL(url).pathname;
  if (path === '/') return null;
  return new URL(path.endsWith('/') ? '..' : '.', url).href;
}

/** A container's own ACL document (null when it has none), fetched once per `AncestorAcls`. */
export type AncestorAcls = Map<string, Promise<TurtleDocument | null>>;

function ownAcl(editor: AclEditor, container: string, seen: AncestorAcls): Promise<TurtleDocument | null> {
  let acl = seen.get(container);
  if (!acl) {
    acl = findAclUrl(editor.fetch, container).then((url) => readTurtle(editor.fetch, url));
    seen.set(container, acl);
  }
  return acl;
}

/**
 * Starts a new ACL document for `target` with the authorizations it inherits today (the nearest ancestor ACL's
 * `acl:default` ones), rewritten to apply here: a new ACL replaces inheritance, so without this an existing grant
 * (e.g. the gateway's Append on a parent) would silently stop at the new document.
 */
async function inheritedAuthorizations(
  editor: AclEditor,
  target: string,
  aclUrl: string,
  ancestors: AncestorAcls,
): Promise<Store> {
  const store = new Store();
  for (let parent = parentOf(target); parent; parent = parentOf(parent)) {
    const parentAcl = await ownAcl(editor, parent, ancestors);
    if (!parentAcl) continue;
    for (const auth of parentAcl.store.getSubjects(acl.default, null, null)) {
      const fragment = new URL(auth.value).hash || `#inherited-${store.size}`;
      const modes = parentAcl.store.getObjects(auth, acl.mode, null);
      const subject = namedNode(`${aclUrl}${fragment}`);
      store.addQuad(quad(subject, TERMS.rdf.type, acl.Authorization));
      for (const predicate of [acl.agent, acl.agentClass, acl.agentGroup, acl.origin]) {
        for (const object of parentAcl.store.getObjects(auth, predicate, null)) {
          store.addQuad(quad(subject, predicate, object));
        }
      }
      store.addQuad(quad(subject, acl.accessTo, namedNode(target)));
      if (target.endsWith('/')) store.addQuad(quad(subject, acl.default, namedNode(target)));
      for (const mode of modes) store.addQuad(quad(subject, acl.mode, mode));
    }
    return store;
  }
  return store;
}

/**
 * Reads the target's own ACL (or starts one with the owner's full access), lets `change` edit it, and writes it
 * back conditionally; concurrent editors are retried instead of overwritten.
 */
async function editAcl(
  editor: AclEditor,
  target: string,
  change: (store: Store, aclUrl: string) => void,
  ancestors: AncestorAcls = editor.ancestorAcls ?? new Map(),
): Promise<void> {
  const aclUrl = await findAclUrl(editor.fetch, target);
  await editUntilLanded('ACL', target, async () => {
    const existing = await readTurtle(editor.fetch, aclUrl);
    const store = existing?.store ?? (await inheritedAuthorizations(editor, target, aclUrl, ancestors));
    change(store, aclUrl);
    if (!modesOf(store, editor.ownerWebId).has('Control')) {
      addAuthorization(store, `${aclUrl}#owner`, editor.ownerWebId, target, ['Read', 'Write', 'Control']);
    }
    const response = await writeTurtle(
      editor.fetch,
      aclUrl,
      serializeTurtle(store),
      existing ? { ifMatch: existing.etag } : { ifNoneMatch: '*' },
    );
    return response.status !== 412;
  });
  ancestors.delete(target);
}

/** Edits each target's ACL with `change`; targets edited together share the lookups of their common ancestors' ACLs. */
async function editAcls(
  editor: AclEditor,
  targets: string | readonly string[],
  change: (store: Store, aclUrl: string, target: string) => void,
): Promise<void> {
  const ancestors: AncestorAcls = editor.ancestorAcls ?? new Map();
  await Promise.all(
    (typeof targets === 'string' ? [targets] : targets).map((target) =>
      editAcl(editor, target, (store, aclUrl) => change(store, aclUrl, target), ancestors),
    ),
  );
}

/** Gives `agent` exactly `modes` on each target (replacing what it had there); a container's members inherit them. */
export async function setAgentModes(
  editor: AclEditor,
  targets: string | readonly string[],
  agent: string,
  modes: AccessMode[],
): Promise<void> {
  await editAcls(editor, targets, (store, aclUrl, target) => {
    removeAgent(store, agent);
    if (modes.length > 0) addAuthorization(store, authorizationIri(aclUrl, agent), agent, target, modes);
  });
}

/** Adds `modes` to what `agent` already has on each target. */
export async function grantAccess(
  editor: AclEditor,
  targets: string | readonly string[],
  agent: string,
  modes: AccessMode[],
): Promise<void> {
  await editAcls(editor, targets, (store, aclUrl, target) => {
    const all = new Set([...modesOf(store, agent), ...modes]);
    removeAgent(store, agent);
    addAuthorization(store, authorizationIri(aclUrl, agent), agent, target, [...all]);
  });
}

/** Removes `modes` (default: all) from `agent` on `target`; takes effect before this returns. */
export async function revokeAccess(
  editor: AclEditor,
  target: string,
  agent: string,
  modes?: AccessMode[],
): Promise<void> {
  await editAcl(editor, target, (store, aclUrl) => {
    const left = modes ? [...modesOf(store, agent)].filter((mode) => !modes.includes(mode)) : [];
    removeAgent(store, agent);
    if (left.length > 0) addAuthorization(store, authorizationIri(aclUrl, agent), agent, target, left);
  });
}

/** Modes the target's own ACL document gives `agent` (inherited grants are not included). */
export async function readAgentModes(
  editor: AclEditor,
  target: string,
  agent: string,
): Promise<AccessMode[]> {
  const aclUrl = await findAclUrl(editor.fetch, target);
  const existing = await readTurtle(editor.fetch, aclUrl);
  return existing ? [...modesOf(existing.store, agent)].sort() : [];
}
