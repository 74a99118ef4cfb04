// Account set-up when the pod server fails a step: CSS under load answers 500 "Lock expired" with the step's outcome unknown.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PodError } from '../../src/errors.ts';
import { AccountApi } from '../../src/pod/account-api.ts';
import { startHostileServer, type HostileServer } from '../helpers/hostile-server.ts';

/** The account API's answers, as CSS 7 gives them, on the routes the set-up uses. */
function serveAccountApi(server: HostileServer, passwordFailures: number): void {
  const base = server.url;
  const json = (body: unknown) => ({
    kind: 'answer' as const,
    status: 200,
    body: JSON.stringify(body),
    contentType: 'application/json',
  });
  server.on(
    '/.account/',
    json({
      controls: {
        account: {
          create: `${base}.account/account/`,
          pod: `${base}.account/account/a1/pod/`,
          webId: `${base}.account/account/a1/webid/`,
          clientCredentials: `${base}.account/account/a1/client-credentials/`,
        },
        password: {
          login: `${base}.account/login/password/`,
          create: `${base}.account/account/a1/login/password/`,
        },
      },
    }),
  );
  server.on('/.account/account/', json({ authorization: 'token-a1' }));
  server.on('/.account/account/a1/login/password/', {
    kind: 'flaky',
    failures: passwordFailures,
    status: 500,
    then: json({}),
  });
  // The failed attempt registered no password: the login that starts the next attempt is refused.
  server.on('/.account/login/password/', {
    kind: 'answer',
    status: 403,
    body: '{"message":"Invalid email/password combination."}',
    contentType: 'application/json',
  });
  server.on(
    '/.account/account/a1/pod/',
    json({ pod: `${base}resident/`, webId: `${base}resident/profile/card#me` }),
  );
}

describe('account set-up against a failing pod server', () => {
  let server: HostileServer;
  beforeEach(async () => {
    server = await startHostileServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  const spec = { email: 'resident@example.org', password: 'a-long-password', podName: 'resident' };
  const posts = (path: string) =>
    server.requests.filter((request) => request.method === 'POST' && request.path === path).length;

  it('takes a step the server failed again from a login, and completes the account', async () => {
    serveAccountApi(server, 1);
    const made = await new AccountApi(server.url).ensureAccount(spec, { fresh: true });
    expect(made).toMatchObject({ pod: `${server.url}resident/`, created: true });
    // First pass: account, password (500). Second: login (refused), a new account, password, pod.
    expect(posts('/.account/login/password/')).toBe(1);
    expect(posts('/.account/account/')).toBe(2);
    expect(posts('/.account/account/a1/login/password/')).toBe(2);
    expect(posts('/.account/account/a1/pod/')).toBe(1);
  });

  it('hands the failure on when the server keeps failing', async () => {
    serveAccountApi(server, 100);
    const failure = await new AccountApi(server.url)
      .ensureAccount(spec, { fresh: true })
      .catch((error) => error);
    expect(failure).toBeInstanceOf(PodError);
    expect((failure as PodError).context.podStatus).toBe(500);
    expect(posts('/.account/account/a1/login/password/')).toBe(4);
  }, 20_000);
});
