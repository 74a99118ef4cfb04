// The access rules homedata relies on, proven with real requests against real pod servers: one with WAC, one with
// ACP, the system found by discovery.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  discoverAccessControl,
  grantAccess,
  readAgentModes,
  revokeAccess,
  setAgentModes,
} from '../../src/pod/access-control.ts';
import { ensureContainer, writeTurtle } from '../../src/pod/resource-write.ts';
import { createActor, type TestActor } from '../helpers/identities.ts';

const turtle = '<#it> <http://purl.org/dc/terms/title> "x".\n';

const servers = [
  { system: 'wac', server: inject('podServer') },
  { system: 'acp', server: inject('podServerAcp') },
] as const;

describe.each(servers)('$system grants on a container and its members', ({ system, server }) => {
  let owner: TestActor;
  let appender: TestActor;
  let reader: TestActor;
  let appendOnly: string;
  let readable: string;
  let other: string;

  beforeAll(async () => {
    [owner, appender, reader] = await Promise.all([
      createActor(server, 'owner'),
      createActor(server, 'appender'),
      createActor(server, 'reader'),
    ]);
    appendOnly = `${owner.identity.pod}homedata/readings/`;
    readable = `${owner.identity.pod}homedata/summaries/`;
    other = `${owner.identity.pod}homedata/consents/`;
    for (const container of [appendOnly, readable, other])
      await ensureContainer(owner.agent.fetch, container);
    await writeTurtle(owner.agent.fetch, `${readable}2026-01.ttl`, turtle);
    await writeTurtle(owner.agent.fetch, `${other}secret.ttl`, turtle);
    const editor = { fetch: owner.agent.fetch, ownerWebId: owner.identity.webId };
    await grantAccess(editor, appendOnly, appender.identity.webId, ['Append']);
    await grantAccess(editor, readable, reader.identity.webId, ['Read']);
  });

  afterAll(async () => {
    await Promise.all([owner, appender, reader].map((actor) => actor?.agent.logout()));
  });

  it('lets an Append-only agent create a new member (201) with If-None-Match', async () => {
    const response = await appender.agent.fetch(`${appendOnly}2026/01/01/00.ttl`, {
      method: 'PUT',
      headers: { 'content-type': 'text/turtle', 'if-none-match': '*' },
      body: turtle,
    });
    expect(response.status).toBe(201);
  });

  it('refuses an Append-only agent to overwrite, read or delete (403)', async () => {
    const url = `${appendOnly}2026/01/01/01.ttl`;
    await writeTurtle(owner.agent.fetch, url, turtle);
    const overwrite = await appender.agent.fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'text/turtle' },
      body: turtle,
    });
    const read = await appender.agent.fetch(url);
    const remove = await appender.agent.fetch(url, { method: 'DELETE' });
    const list = await appender.agent.fetch(appendOnly);
    expect([overwrite.status, read.status, remove.status, list.status]).toEqual([403, 403, 403, 403]);
  });

  it('lets a Read-only agent read the container and its members (200) and nothing else (403)', async () => {
    expect((await reader.agent.fetch(readable)).status).toBe(200);
    expect((await reader.agent.fetch(`${readable}2026-01.ttl`)).status).toBe(200);
    expect((await reader.agent.fetch(`${other}secret.ttl`)).status).toBe(403);
    expect((await reader.agent.fetch(`${appendOnly}2026/01/01/01.ttl`)).status).toBe(403);
    const write = await reader.agent.fetch(`${readable}new.ttl`, {
      method: 'PUT',
      headers: { 'content-type': 'text/turtle' },
      body: turtle,
    });
    expect(write.status).toBe(403);
  });

  it('finds the pod server authorization system by discovery', async () => {
    const found = await discoverAccessControl(owner.agent.fetch, readable);
    expect(found.system).toBe(system);
    expect(found.url).toBe(`${readable}${system === 'wac' ? '.acl' : '.acr'}`);
  });

  it('keeps the owner in control after grants', async () => {
    const editor = { fetch: owner.agent.fetch, ownerWebId: owner.identity.webId };
    // WAC replaces inherited authorizations, so every ACL written names the owner; ACP adds to the root's
    // member access control, which keeps the owner's access without repeating it.
    if (system === 'wac') {
      expect(await readAgentModes(editor, readable, owner.identity.webId)).toEqual([
        'Control',
        'Read',
        'Write',
      ]);
    }
    expect((await owner.agent.fetch(`${readable}2026-01.ttl`)).status).toBe(200);
    await writeTurtle(owner.agent.fetch, `${readable}owner-wrote.ttl`, turtle);
    const { url } = await discoverAccessControl(owner.agent.fetch, readable);
    expect((await owner.agent.fetch(url)).status).toBe(200);
  });

  it('a revoked grant stops the next read (403 at once)', async () => {
    const editor = { fetch: owner.agent.fetch, ownerWebId: owner.identity.webId };
    const target = `${owner.identity.pod}homedata/revoke-me/`;
    await ensureContainer(owner.agent.fetch, target);
    await writeTurtle(owner.agent.fetch, `${target}doc.ttl`, turtle);
    await setAgentModes(editor, target, reader.identity.webId, ['Read']);
    expect((await reader.agent.fetch(`${target}doc.ttl`)).status).toBe(200);
    await revokeAccess(editor, target, reader.identity.webId);
    expect((await reader.agent.fetch(`${target}doc.ttl`)).status).toBe(403);
    expect(await readAgentModes(editor, target, reader.identity.webId)).toEqual([]);
    // Nothing left behind: under ACP the emptied ACR is gone, under WAC only the owner's authorization is left.
    const { url } = await discoverAccessControl(owner.agent.fetch, target);
    const left = await owner.agent.fetch(url);
    expect(left.status).toBe(system === 'acp' ? 404 : 200);
    if (system === 'wac') expect(await left.text()).not.toContain(reader.identity.webId);
  });

  it('takes one mode back and keeps the others', async () => {
    const editor = { fetch: owner.agent.fetch, ownerWebId: owner.identity.webId };
    const target = `${owner.identity.pod}homedata/partial/`;
    await ensureContainer(owner.agent.fetch, target);
    await grantAccess(editor, target, reader.identity.webId, ['Read', 'Append']);
    await revokeAccess(editor, target, reader.identity.webId, ['Read']);
    expect(await readAgentModes(editor, target, reader.identity.webId)).toEqual(['Append']);
    expect((await reader.agent.fetch(target)).status).toBe(403);
  });

  it('answers 401 to an anonymous read of a private member', async () => {
    expect((await fetch(`${readable}2026-01.ttl`)).status).toBe(401);
  });
});

describe.each(servers)('$system: a new access control document on a member container', ({ server }) => {
  /** An owner whose summaries/ container lets a gateway Append, and a broker to be granted Read below it. */
  async function summariesWithGateway() {
    const [owner, gateway, broker] = await Promise.all([
      createActor(server, 'owner'),
      createActor(server, 'gateway'),
      createActor(server, 'broker'),
    ]);
    const editor = { fetch: owner.agent.fetch, ownerWebId: owner.identity.webId };
    const parent = `${owner.identity.pod}homedata/summaries/`;
    await ensureContainer(owner.agent.fetch, parent);
    await setAgentModes(editor, parent, gateway.identity.webId, ['Append']);
    const logout = () => Promise.all([owner, gateway, broker].map((actor) => actor.agent.logout()));
    return { owner, gateway, broker, editor, parent, logout };
  }

  /** The gateway's Append-only write of a new document (201 when it still holds Append there). */
  function appendNew(gateway: TestActor, url: string) {
    return gateway.agent.fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'text/turtle', 'if-none-match': '*' },
      body: turtle,
    });
  }

  it('keeps the grants the container inherited from its parent', async () => {
    const { owner, gateway, broker, editor, parent, logout } = await summariesWithGateway();
    const child = `${parent}humidity/`;
    await ensureContainer(owner.agent.fetch, child);
    await grantAccess(editor, child, broker.identity.webId, ['Read']);
    expect((await appendNew(gateway, `${child}2026-01.ttl`)).status).toBe(201);
    expect((await broker.agent.fetch(`${child}2026-01.ttl`)).status).toBe(200);
    expect((await gateway.agent.fetch(`${child}2026-01.ttl`)).status).toBe(403);
    expect((await owner.agent.fetch(`${child}2026-01.ttl`)).status).toBe(200);
    await logout();
  });

  it('grants several members of one parent at once, each keeping what it inherited', async () => {
    const { owner, gateway, broker, editor, parent, logout } = await summariesWithGateway();
    const children = [`${parent}humidity/`, `${parent}temperature/`];
    const outside = `${owner.identity.pod}homedata/consents/`;
    for (const container of [...children, outside]) await ensureContainer(owner.agent.fetch, container);
    await grantAccess(editor, children, broker.identity.webId, ['Read']);
    for (const child of children) {
      expect((await appendNew(gateway, `${child}2026-01.ttl`)).status).toBe(201);
      expect((await broker.agent.fetch(`${child}2026-01.ttl`)).status).toBe(200);
    }
    await writeTurtle(owner.agent.fetch, `${outside}secret.ttl`, turtle);
    expect((await broker.agent.fetch(`${outside}secret.ttl`)).status).toBe(403);
    await logout();
  });
});

describe('WAC: one editor for one change of a pod, in several calls', () => {
  const server = inject('podServer');

  /** The owner's fetch, recording each request's method and URL. */
  function recordingFetch(owner: TestActor) {
    const requests: string[] = [];
    const fetchFn: typeof fetch = (input, init) => {
      requests.push(`${init?.method ?? 'GET'} ${String(input)}`);
      return owner.agent.fetch(input, init);
    };
    return { fetchFn, requests };
  }

  it('looks each ancestor ACL up once across its calls', async () => {
    const [owner, gateway, broker] = await Promise.all([
      createActor(server, 'owner'),
      createActor(server, 'gateway'),
      createActor(server, 'broker'),
    ]);
    const root = `${owner.identity.pod}homedata/`;
    for (const container of [root, `${root}readings/`, `${root}inbox/`])
      await ensureContainer(owner.agent.fetch, container);
    const { fetchFn, requests } = recordingFetch(owner);
    const editor = { fetch: fetchFn, ownerWebId: owner.identity.webId, ancestorAcls: new Map() };
    await Promise.all([
      setAgentModes(editor, `${root}readings/`, gateway.identity.webId, ['Append']),
      setAgentModes(editor, `${root}inbox/`, broker.identity.webId, ['Append']),
    ]);
    expect(requests.filter((request) => request === `GET ${owner.identity.pod}.acl`)).toHaveLength(1);
    expect(requests.filter((request) => request === `GET ${root}.acl`)).toHaveLength(1);
    await Promise.all([owner, gateway, broker].map((actor) => actor.agent.logout()));
  });

  it('reads an ACL it wrote again when a later call inherits from it', async () => {
    const [owner, gateway, broker] = await Promise.all([
      createActor(server, 'owner'),
      createActor(server, 'gateway'),
      createActor(server, 'broker'),
    ]);
    const parent = `${owner.identity.pod}homedata/summaries/`;
    const [first, second] = [`${parent}humidity/`, `${parent}temperature/`];
    for (const container of [parent, first, second]) await ensureContainer(owner.agent.fetch, container);
    const editor = { fetch: owner.agent.fetch, ownerWebId: owner.identity.webId, ancestorAcls: new Map() };
    // The first grant finds the parent without an ACL of its own; the second writes one; the third inherits it.
    await grantAccess(editor, first, broker.identity.webId, ['Read']);
    await setAgentModes(editor, parent, gateway.identity.webId, ['Append']);
    await grantAccess(editor, second, broker.identity.webId, ['Read']);
    const created = await gateway.agent.fetch(`${second}2026-01.ttl`, {
      method: 'PUT',
      headers: { 'content-type': 'text/turtle', 'if-none-match': '*' },
      body: turtle,
    });
    expect(created.status).toBe(201);
    await Promise.all([owner, gateway, broker].map((actor) => actor.agent.logout()));
  });
});
