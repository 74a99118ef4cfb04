// Logs an identity in with client credentials and keeps its authenticated fetch valid past token expiry.
import { Session } from '@inrupt/solid-client-authn-node';
import { AuthenticationError, ForbiddenError, PodError } from '../errors.ts';

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

/**
 * A 401 makes the agent log in again at most this often: a token that expired early is renewed at once, but a
 * server that answers 401 to everything cannot make every request cost a login (docs/security.md, L6).
 */
export const RELOGIN_INTERVAL_MS = 30 * 1000;

/** How an agent's fetch is bounded. */
export interface AgentOptions {
  /**
   * Origins (`scheme://host[:port]`) the agent's fetch may send its token to; any other origin is refused before a
   * request is made, and redirects are never followed (the session would otherwise sign the retry for the redirect
   * target, docs/security.md, H2). Default: any origin, redirects as the caller asks (gateways, the CLI).
   */
  origins?: Iterable<string>;
  /** The clock the re-login interval is measured on; default `Date.now`. */
  now?: () => number;
}

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

/** The origin of a fetch input, or undefined when it is not an absolute URL. */
function originOf(input: RequestInfo | URL): string | undefined {
  try {
    return new URL(input instanceof Request ? input.url : String(input)).origin;
  } catch {
    return undefined;
  }
}

/**
 * Logs in with client credentials; the returned fetch re-logs in when the token is near expiry, and after a 401
 * from the issuer's own origin (the pod server that issued the token) at most once per `RELOGIN_INTERVAL_MS`.
 * A 401 from any other server is returned as it is: another server cannot make the agent log in.
 */
export async function loginWithClientCredentials(
  credentials: ClientCredentials,
  options: AgentOptions = {},
): Promise<SolidAgent> {
  const now = options.now ?? Date.now;
  const allowed = options.origins
    ? new Set([...options.origins].map((origin) => new URL(origin).origin))
    : undefined;
  const issuerOrigin = new URL(credentials.issuer).origin;
  let session = await openSession(credentials);
  let loggedInAt = now();
  let lastReloginOn401 = Number.NEGATIVE_INFINITY;
  let renewing: Promise<void> | undefined;
  const webId = session.info.webId!;

  const renew = async (): Promise<void> => {
    const next = await openSession(credentials);
    const previous = session;
    session = next;
    loggedInAt = now();
    await previous.logout().catch(() => undefined);
  };
  const renewOnce = (): Promise<void> =>
    (renewing ??= renew().finally(() => {
      renewing = undefined;
    }));

  const authenticatedFetch: typeof fetch = async (input, init) => {
    const origin = originOf(input);
    if (allowed && (origin === undefined || !allowed.has(origin))) {
      throw new ForbiddenError('This agent does not send its credentials to that server', { origin });
    }
    const requestInit = allowed ? { ...init, redirect: 'manual' as const } : init;
    // The session replays any 401 or 403 whose `response.url` differs from the URL it was given, signed for
    // `response.url`; giving it the normalised href keeps that replay to real redirects.
    const target = input instanceof Request || origin === undefined ? input : new URL(String(input)).href;
    if (now() - loggedInAt > RENEW_AFTER_MS) await renewOnce();
    const sentWith = session;
    const response = await sentWith.fetch(target, requestInit);
    if (response.status !== 401 || origin !== issuerOrigin) return response;
    // A 401 from the issuer's own pod server: the token expired or was revoked. Retry once with a fresh login,
    // which another request may already have made; log in anew only if none was made in the last interval
    // (otherwise the 401 is the server's answer, not the token's age).
    if (renewing) await renewing;
    else if (session === sentWith) {
      if (now() - lastReloginOn401 < RELOGIN_INTERVAL_MS) return response;
      lastReloginOn401 = now();
      await renewOnce();
    }
    await response.body?.cancel().catch(() => undefined);
    return session.fetch(target, requestInit);
  };

  return {
    webId,
    fetch: authenticatedFetch,
    logout: () => session.logout(),
  };
}
