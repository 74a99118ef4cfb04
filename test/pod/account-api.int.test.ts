// Provisioning identities through the CSS account API, and logging them in with client credentials.
import { describe, expect, inject, it } from 'vitest';
import { AccountApi } from '../../src/pod/account-api.ts';
import { loginWithClientCredentials } from '../../src/pod/solid-session.ts';
import { AuthenticationError } from '../../src/errors.ts';

describe('account provisioning', () => {
  const server = inject('podServer');
  const api = new AccountApi(server);

  it('creates an account, pod and WebID, and finds them again on a second call', async () => {
    const spec = { email: 'twice@test.example', password: 'pw-twice-secret', podName: 'twice' };
    const first = await api.ensureAccount(spec);
    const second = await api.ensureAccount(spec);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.webId).toBe(first.webId);
    expect(first.pod).toBe(`${server}twice/`);
    expect(first.webId).toBe(`${server}twice/profile/card#me`);
  });

  it('makes the pod of an account left without one (a start cut off between the two steps)', async () => {
    const spec = { email: 'half@test.example', password: 'pw-half-secret', podName: 'half' };
    const controlsOf = async (token?: string) => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (token) headers.authorization = `CSS-Account-Token ${token}`;
      const body = (await (await fetch(`${server}.account/`, { headers })).json()) as {
        controls: { account: { create: string }; password: { create: string } };
      };
      return body.controls;
    };
    const post = (url: string, body: unknown, token?: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `CSS-Account-Token ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const { authorization } = (await (await post((await controlsOf()).account.create, {})).json()) as {
      authorization: string;
    };
    const password = await post((await controlsOf(authorization)).password.create, spec, authorization);
    expect(password.ok).toBe(true);

    const made = await api.ensureAccount(spec);
    expect(made.created).toBe(true);
    expect(made.pod).toBe(`${server}half/`);
    expect((await api.ensureAccount(spec)).created).toBe(false);
  });

  it('logs in with client credentials and reads its own private pod', async () => {
    const identity = await api.provision({
      email: 'cc@test.example',
      password: 'pw-cc-secret',
      podName: 'cc',
    });
    const agent = await loginWithClientCredentials(identity);
    expect(agent.webId).toBe(identity.webId);
    expect((await agent.fetch(identity.pod)).status).toBe(200);
    await agent.logout();
  });

  it('refuses a wrong password without creating anything', async () => {
    await api.ensureAccount({ email: 'pw@test.example', password: 'right-password', podName: 'pw' });
    expect(await api.login('pw@test.example', 'wrong-password')).toBeNull();
  });

  it('fails with an authentication error for unknown client credentials', async () => {
    await expect(
      loginWithClientCredentials({ issuer: server, clientId: 'nobody', clientSecret: 'nothing' }),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });
});
