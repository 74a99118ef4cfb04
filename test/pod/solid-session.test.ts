// The agent's fetch: which servers get its token, and when a 401 makes it log in again (issue 11, H2 and L6).
import { beforeEach, describe, expect, it, vi } from 'vitest';

/** What the fake sessions saw: logins, and every request with its init. */
const seen = vi.hoisted(() => ({
  logins: 0,
  requests: [] as { url: string; init?: RequestInit }[],
  answer: (_url: string): number => 200,
}));

vi.mock('@inrupt/solid-client-authn-node', () => ({
  Session: class {
    info = { isLoggedIn: false, webId: undefined as string | undefined };
    async login() {
      seen.logins++;
      this.info = { isLoggedIn: true, webId: 'http://localhost:3000/broker/profile/card#me' };
    }
    async logout() {}
    async fetch(url: string, init?: RequestInit) {
      seen.requests.push({ url, init });
      return new Response('', { status: seen.answer(url) });
    }
  },
}));

const { loginWithClientCredentials, RELOGIN_INTERVAL_MS } = await import('../../src/pod/solid-session.ts');

const credentials = { issuer: 'http://localhost:3000/', clientId: 'broker', clientSecret: 'secret' };
const POD = 'http://localhost:3000/alice/homedata/home';
const OTHER = 'http://localhost:4000/p/homedata/home';

describe('the agent fetch', () => {
  let clock = 0;
  const now = () => clock;

  beforeEach(() => {
    seen.logins = 0;
    seen.requests = [];
    seen.answer = () => 200;
    clock = 1_000_000;
  });

  it('sends its token only to the origins it was built for, and never follows a redirect', async () => {
    const agent = await loginWithClientCredentials(credentials, { origins: ['http://localhost:3000'], now });
    await expect(agent.fetch(OTHER)).rejects.toThrow('does not send its credentials');
    await agent.fetch(POD);
    expect(seen.requests).toEqual([{ url: POD, init: { redirect: 'manual' } }]);
  });

  it('sends anywhere, as asked, when built without origins (gateways, the CLI)', async () => {
    const agent = await loginWithClientCredentials(credentials, { now });
    await agent.fetch(OTHER);
    expect(seen.requests).toEqual([{ url: OTHER, init: undefined }]);
  });

  it('never logs in again for a 401 from a server other than its issuer', async () => {
    seen.answer = () => 401;
    const agent = await loginWithClientCredentials(credentials, { now });
    for (let i = 0; i < 10; i++) expect((await agent.fetch(OTHER)).status).toBe(401);
    expect(seen.logins).toBe(1);
    expect(seen.requests).toHaveLength(10);
  });

  it("logs in again after a 401 from its issuer's server at most once per interval", async () => {
    const agent = await loginWithClientCredentials(credentials, { now });
    seen.answer = () => 401;
    for (let i = 0; i < 5; i++) expect((await agent.fetch(POD)).status).toBe(401);
    // One login and one retry for the first 401; the next ones are answered as they are.
    expect(seen.logins).toBe(2);
    expect(seen.requests).toHaveLength(6);
    clock += RELOGIN_INTERVAL_MS + 1;
    await agent.fetch(POD);
    expect(seen.logins).toBe(3);
  });

  it('retries with the new token when a 401 from its issuer came after an expired token', async () => {
    const agent = await loginWithClientCredentials(credentials, { now });
    let calls = 0;
    seen.answer = () => (++calls === 1 ? 401 : 200);
    expect((await agent.fetch(POD)).status).toBe(200);
    expect(seen.logins).toBe(2);
  });
});
