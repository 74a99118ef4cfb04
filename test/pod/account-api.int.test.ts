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
