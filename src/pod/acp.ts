// Grants and revokes ACP access for one agent on a resource and, for a container, its members: the Access Control
// Policies counterpart of wac.ts, for pod servers whose access control resources are ACRs.
import { createHash } from 'node:crypto';
import { DataFactory, Store, type Quad_Object, type Quad_Subject } from 'n3';
import { ACL, TERMS, serializeTurtle } from '../vocab/browser.ts';
import { PodError } from '../errors.ts';
import { podRequest, readTurtle } from './resource-read.ts';
import { editUntilLanded, writeTurtle } from './resource-write.ts';
import type { AccessMode } from './wac.ts';

const { namedNode, quad } = DataFactory;
const { acp, rdf } = TERMS;

/**
 * The access control, policy and matcher this module keeps per agent, named by a digest of the WebID so edits find
 * them again. Blank nodes (as in CSS's own root ACR) would work for the server but not for finding them again.
 */
function agentNodes(acrUrl: string, agent: string) {
  const digest = createHash('sha256').update(agent).digest('hex').slice(0, 16);
  return {
    control: namedNode(`${acrUrl}#agent-${digest}`),
    policy: namedNode(`${acrUrl}#agent-${digest}-policy`),
    matcher: namedNode(`${acrUrl}#agent-${digest}-matcher`),
  };
}

/** The ACR's node for `target` (`acp:resource`), created when the ACR does not name it yet. */
function resourceNode(store: Store, acrUrl: string, target: string): Quad_Subject {
  const existing = store.getSubjects(acp.resource, namedNode(target), null)[0];
  if (existing) return existing;
  const node = namedNode(`${acrUrl}#root`);
  store.addQuad(quad(node, rdf.type, acp.AccessControlResource));
  store.addQuad(quad(node, acp.resource, namedNode(target)));
  return node;
}

/**
 * Adds an access control allowing `modes` to `agent` on `target`; for a container it is also a member access
 * control, ACP's counterpart of WAC's `acl:default`. CSS applies an ancestor's member access controls to every
 * resource below it, not only to direct members (its AcpReader walks all ancestors).
 */
function addAccessControl(
  store: Store,
  acrUrl: string,
  target: string,
  agent: string,
  modes: AccessMode[],
): void {
  const { control, policy, matcher } = agentNodes(acrUrl, agent);
  const resource = resourceNode(store, acrUrl, target);
  store.addQuad(quad(resource, acp.accessControl, control));
  if (target.endsWith('/')) store.addQuad(quad(resource, acp.memberAccessControl, control));
  store.addQuad(quad(control, rdf.type, acp.AccessControl));
  store.addQuad(quad(control, acp.apply, policy));
  store.addQuad(quad(policy, rdf.type, acp.Policy));
  for (const mode of modes) store.addQuad(quad(policy, acp.allow, TERMS.acl[mode]));
  store.addQuad(quad(policy, acp.anyOf, matcher));
  store.addQuad(quad(matcher, rdf.type, acp.Matcher));
  store.addQuad(quad(matcher, acp.agent, namedNode(agent)));
}

/** Policies that match `agent` alone by WebID (through `acp:anyOf` or `acp:allOf`). */
function policiesOf(store: Store, agent: string): Quad_Subject[] {
  const policies: Quad_Subject[] = [];
  for (const matcher of store.getSubjects(acp.agent, namedNode(agent), null)) {
    for (const link of [acp.anyOf, acp.allOf]) {
      policies.push(...store.getSubjects(link, matcher as Quad_Object, null));
    }
  }
  return policies;
}

/** Modes `agent` is allowed through policies in this ACR (denials and other matchers' conditions aside). */
function modesOf(store: Store, agent: string): Set<AccessMode> {
  const modes = new Set<AccessMode>();
  for (const policy of policiesOf(store, agent)) {
    for (const mode of store.getObjects(policy, acp.allow, null)) {
      modes.add(mode.value.slice(ACL.base.length) as AccessMode);
    }
  }
  return modes;
}

/** Removes a node's own triples and every triple pointing at it. */
function removeNode(store: Store, node: Quad_Subject): void {
  store.removeQuads(store.getQuads(node, null, null, null));
  store.removeQuads(store.getQuads(null, null, node as Quad_Object, null));
}

/**
 * Takes `agent` out of every matcher in the ACR: from a matcher that names other agents too, only the agent goes;
 * a matcher that named only this agent goes whole, then a policy left with no matcher, then an access control left
 * with no policy, so nothing dangles and no other agent loses anything.
 */
function removeAgent(store: Store, agent: string): void {
  const webId = namedNode(agent);
  for (const matcher of store.getSubjects(acp.agent, webId, null)) {
    if (store.getObjects(matcher, acp.agent, null).length > 1) {
      store.removeQuad(quad(matcher, acp.agent, webId));
      continue;
    }
    const policies = [acp.anyOf, acp.allOf, acp.noneOf].flatMap((link) =>
      store.getSubjects(link, matcher as Quad_Object, null),
    );
    removeNode(store, matcher);
    for (const policy of policies) {
      if ([acp.anyOf, acp.allOf].some((link) => store.getObjects(policy, link, null).length > 0)) continue;
      const controls = store.getSubjects(acp.apply, policy as Quad_Object, null);
      removeNode(store, policy);
      for (const control of controls) {
        if (store.getObjects(control, acp.apply, null).length === 0) removeNode(store, control);
      }
    }
  }
}

/** Whether the ACR still says anything beyond naming its resource. */
function hasAccessControls(store: Store): boolean {
  return (
    store.getQuads(null, acp.accessControl, null, null).length > 0 ||
    store.getQuads(null, acp.memberAccessControl, null, null).length > 0
  );
}

/**
 * Reads the ACR of `target` (a missing ACR is empty: the resource then inherits only its ancestors' member access
 * controls, which ACP adds to rather than replaces), lets `change` edit it, and writes it back conditionally. An
 * ACR this module emptied is deleted, so a revocation leaves nothing behind.
 */
async function editAcr(
  fetchFn: typeof fetch,
  target: string,
  acrUrl: string,
  change: (store: Store) => void,
): Promise<void> {
  await editUntilLanded('ACR', target, async () => {
    const existing = await readTurtle(fetchFn, acrUrl);
    const store = existing?.store ?? new Store();
    change(store);
    if (!hasAccessControls(store) && !isStorageRoot(target)) {
      if (!existing) return true;
      const response = await podRequest(fetchFn, acrUrl, {
        method: 'DELETE',
        headers: existing.etag ? { 'if-match': existing.etag } : {},
      });
      if (response.ok || response.status === 404) return true;
      if (response.status !== 412) {
        throw new PodError(`DELETE ${acrUrl} answered ${response.status}`, {
          url: acrUrl,
          podStatus: response.status,
        });
      }
      return false;
    }
    const response = await writeTurtle(
      fetchFn,
      acrUrl,
      serializeTurtle(store),
      existing ? { ifMatch: existing.etag } : { ifNoneMatch: '*' },
    );
    return response.status !== 412;
  });
}

/** A pod's root ACR is required (CSS refuses to delete it) and is never emptied by this module anyway. */
function isStorageRoot(url: string): boolean {
  return new URL(url).pathname.split('/').filter(Boolean).length <= 1 && url.endsWith('/');
}

/**
 * Rewrites what `agent` may do on `target` in the ACR at `acrUrl`: `next` maps the modes it had to the modes it
 * keeps; its access controls are replaced by one for those (none when empty).
 */
async function editAgentModes(
  fetchFn: typeof fetch,
  target: string,
  acrUrl: string,
  agent: string,
  next: (had: AccessMode[]) => AccessMode[],
): Promise<void> {
  await editAcr(fetchFn, target, acrUrl, (store) => {
    const modes = next([...modesOf(store, agent)]);
    removeAgent(store, agent);
    if (modes.length > 0) addAccessControl(store, acrUrl, target, agent, modes);
  });
}

/** Gives `agent` exactly `modes` on `target` through the ACR at `acrUrl` (none: removes what it had). */
export async function setAgentModesAcp(
  fetchFn: typeof fetch,
  target: string,
  acrUrl: string,
  agent: string,
  modes: AccessMode[],
): Promise<void> {
  await editAgentModes(fetchFn, target, acrUrl, agent, () => modes);
}

/** Adds `modes` to what `agent` already has in the ACR of `target`. */
export async function grantAccessAcp(
  fetchFn: typeof fetch,
  target: string,
  acrUrl: string,
  agent: string,
  modes: AccessMode[],
): Promise<void> {
  await editAgentModes(fetchFn, target, acrUrl, agent, (had) => [...new Set([...had, ...modes])]);
}

/** Removes `modes` (default: all) from `agent` in the ACR of `target`; takes effect before this returns. */
export async function revokeAccessAcp(
  fetchFn: typeof fetch,
  target: string,
  acrUrl: string,
  agent: string,
  modes?: AccessMode[],
): Promise<void> {
  await editAgentModes(fetchFn, target, acrUrl, agent, (had) =>
    modes ? had.filter((mode) => !modes.includes(mode)) : [],
  );
}

/** Modes the target's own ACR allows `agent` (member access controls of ancestors are not included). */
export async function readAgentModesAcp(
  fetchFn: typeof fetch,
  acrUrl: string,
  agent: string,
): Promise<AccessMode[]> {
  const existing = await readTurtle(fetchFn, acrUrl);
  return existing ? [...modesOf(existing.store, agent)].sort() : [];
}
