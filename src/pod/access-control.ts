// Grants and revokes an agent's access in whichever authorization system the pod server uses, WAC or ACP, found by
// discovery: the resource's `Link rel="acl"` names its access control document, whose own type link says which.
import { TERMS } from '../vocab/browser.ts';
import { PodError } from '../errors.ts';
import { findAclUrl, podRequest } from './resource-read.ts';
import { grantAccessAcp, readAgentModesAcp, revokeAccessAcp, setAgentModesAcp } from './acp.ts';
import * as wac from './wac.ts';
import type { AccessMode, AclEditor } from './wac.ts';

export type { AccessMode } from './wac.ts';

/** The two authorization systems of Solid servers. */
export type AccessControlSystem = 'wac' | 'acp';

/** Who changes access: the pod owner's session, and the system once known (else discovered per call). */
export interface AccessEditor extends AclEditor {
  system?: AccessControlSystem;
}

/** An editor whose system is known. */
export type KnownSystemEditor = AccessEditor & { system: AccessControlSystem };

/** Where a resource's access is controlled, and in which language. */
export interface AccessControlDocument {
  system: AccessControlSystem;
  /** The ACL document (WAC) or access control resource (ACP); it may not exist yet. */
  url: string;
}

/** Whether a `Link` header types its resource as `type` (`<type>; rel="type"`, any of several links). */
function hasTypeLink(linkHeader: string | null, type: string): boolean {
  if (!linkHeader) return false;
  return linkHeader.split(/,(?=\s*<)/).some((part) => {
    const match = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    const rels = /rel="?([^";]+)"?/.exec(match?.[2] ?? '')?.[1]?.split(/\s+/) ?? [];
    return match?.[1] === type && rels.includes('type');
  });
}

/**
 * Finds the access control document of `resource` and tells WAC from ACP by what the server says of it: the ACP
 * specification has an ACR answer with `Link: <acp:AccessControlResource>; rel="type"`, and CSS sends that even
 * while the ACR does not exist yet (404; measured on CSS 7.2). A WAC ACL document carries no such type.
 */
export async function discoverAccessControl(
  fetchFn: typeof fetch,
  resource: string,
): Promise<AccessControlDocument> {
  const url = await findAclUrl(fetchFn, resource);
  const response = await podRequest(fetchFn, url, { method: 'HEAD' });
  if (response.status >= 500) {
    throw new PodError(`HEAD ${url} answered ${response.status}`, { url, podStatus: response.status });
  }
  const isAcr = hasTypeLink(response.headers.get('link'), TERMS.acp.AccessControlResource.value);
  return { system: isAcr ? 'acp' : 'wac', url };
}

/** The editor with its system settled (discovered from `resource` when the caller did not know it). */
export async function withSystem(editor: AccessEditor, resource: string): Promise<KnownSystemEditor> {
  const system = editor.system ?? (await discoverAccessControl(editor.fetch, resource)).system;
  return { ...editor, system };
}

/**
 * Changes `agent`'s access on each target, in the system the server speaks: one pod server speaks one, so it is
 * discovered once per call.
 */
async function changeEach(
  editor: AccessEditor,
  targets: string | readonly string[],
  onWac: (editor: KnownSystemEditor, targets: readonly string[]) => Promise<void>,
  onAcp: (fetchFn: typeof fetch, target: string, acrUrl: string) => Promise<void>,
): Promise<void> {
  const list = typeof targets === 'string' ? [targets] : targets;
  if (list.length === 0) return;
  const known = await withSystem(editor, list[0]!);
  if (known.system === 'wac') return onWac(known, list);
  await Promise.all(
    list.map(async (target) => onAcp(known.fetch, target, await findAclUrl(known.fetch, target))),
  );
}

/**
 * Gives `agent` exactly `modes` on each target (replacing what it had there); a container's members inherit them
 * (`acl:default` under WAC, `acp:memberAccessControl` under ACP).
 */
export async function setAgentModes(
  editor: AccessEditor,
  targets: string | readonly string[],
  agent: string,
  modes: AccessMode[],
): Promise<void> {
  await changeEach(
    editor,
    targets,
    (known, list) => wac.setAgentModes(known, list, agent, modes),
    (fetchFn, target, acrUrl) => setAgentModesAcp(fetchFn, target, acrUrl, agent, modes),
  );
}

/** Adds `modes` to what `agent` already has on each target. */
export async function grantAccess(
  editor: AccessEditor,
  targets: string | readonly string[],
  agent: string,
  modes: AccessMode[],
): Promise<void> {
  await changeEach(
    editor,
    targets,
    (known, list) => wac.grantAccess(known, list, agent, modes),
    (fetchFn, target, acrUrl) => grantAccessAcp(fetchFn, target, acrUrl, agent, modes),
  );
}

/** Removes `modes` (default: all) from `agent` on `target`; takes effect before this returns. */
export async function revokeAccess(
  editor: AccessEditor,
  target: string,
  agent: string,
  modes?: AccessMode[],
): Promise<void> {
  const known = await withSystem(editor, target);
  if (known.system === 'wac') return wac.revokeAccess(known, target, agent, modes);
  await revokeAccessAcp(known.fetch, target, await findAclUrl(known.fetch, target), agent, modes);
}

/** Modes the target's own access control document gives `agent` (inherited grants are not included). */
export async function readAgentModes(
  editor: AccessEditor,
  target: string,
  agent: string,
): Promise<AccessMode[]> {
  const known = await withSystem(editor, target);
  if (known.system === 'wac') return wac.readAgentModes(known, target, agent);
  return readAgentModesAcp(known.fetch, await findAclUrl(known.fetch, target), agent);
}
