// Logs an identity in with client credentials and keeps its authenticated fetch valid past token expiry.
import { Session } from '@inrupt/solid-client-authn-node';
import { AuthenticationError, PodError } from '../errors.ts';

export interface ClientCredentials {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** An identity's logged-in view of Solid: an authenticated fetch and its WebID. */
export interface SolidAgent {
  readonly webId: string;
  /** Fetch with the agent's DPoP-bound token; logs in again before the token expires. */
  readonly fetch: typeof fetch;
  logout(): Promise<void>;
}

/** CSS client-credentials tokens last 600 s and come with no refresh token (measured): renew well before. */
const RENEW_AFTER_MS = 8 * 60 * 1000;

/** openid-client gives each call to the issuer 3.5 s; a busy pod server can miss that, so a timeout is retried. */
const LOGIN_ATTEMPTS = 4;

/** Logs in, retrying calls that timed out; fails with a clear error for unknown clients or an unreachable issuer. */
async function openSession(credentials: ClientCredentials): Promise<Session> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openSessionOnce(credentials);
    } catch (error) {
      if (!(error instanceof PodError && error.context.timedOut) || attempt >= LOGIN_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  }
}

/** One login attempt. */
async function openSessionOnce(credentials: ClientCredentials): Promise<Session> {
  const session = new Session();
  try {
    await session.login({
      oidcIssuer: credentials.issuer,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      tokenType: 'DPoP',
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/timed out|ETIMEDOUT/i.test(message)) {
      throw new PodError(
        `Identity provider at ${credentials.issuer} did not answer in time`,
        { url: credentials.issuer, timedOut: true },
        error,
      );
    }
    if (/fetch failed|ECONNREFUSED|ENOTFOUND/i.test(message)) {
      throw new PodError(
        `Identity provider unreachable at ${credentials.issuer}`,
        { url: credentials.issuer },
        error,
      );
    }
    throw new AuthenticationError(`Login refused by ${credentials.issuer}: ${message}`, {
      issuer: credentials.issuer,
    });
  }
  if (!session.info.isLoggedIn || !session.info.webId) {
    throw new AuthenticationError(`Login with client ${credentials.clientId} did not give a WebID`, {
      issuer: credentials.issuer,
    });
  }
  return session;
}

/** Logs in with client credentials; the returned fetch re-logs in when the token is near expiry. */
export async function loginWithClientCredentials(credentials: ClientCredentials): Promise<SolidAgent> {
  let session = await openSession(credentials);
  let loggedInAt = Date.now();
  let renewing: Promise<void> | undefined;
  const webId = session.info.webId!;

  const renew = async (): Promise<void> => {
    const next = await openSession(credentials);
    const previous = session;
    session = next;
    loggedInAt = Date.now();
    await previous.logout().catch(() => undefined);
  };

  const authenticatedFetch: typeof fetch = async (input, init) => {
    if (Date.now() - loggedInAt > RENEW_AFTER_MS) {
      renewing ??= renew().finally(() => {
        renewing = undefined;
      });
      await renewing;
    }
    const response = await session.fetch(input, init);
    if (response.status !== 401) return response;
    // An expired or revoked token: log in once more and retry the same request.
    renewing ??= renew().finally(() => {
      renewing = undefined;
    });
    await renewing;
    return session.fetch(input, init);
  };

  return {
    webId,
    fetch: authenticatedFetch,
    logout: () => session.logout(),
  };
}
