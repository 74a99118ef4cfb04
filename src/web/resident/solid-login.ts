// Logs the resident in with their own Solid identity provider in the browser (Solid-OIDC, authorization code + PKCE).
import { Session } from '@inrupt/solid-client-authn-browser';

/** The resident page's name as the identity provider shows it on its consent screen. */
const CLIENT_NAME = 'homedata resident page';

/** The page's own URL without query or fragment: where the provider sends the resident back. */
function returnUrl(): string {
  return `${window.location.origin}${window.location.pathname}`;
}

/** Finishes a login when the provider has just sent the resident back; true when logged in. */
export async function completeLogin(session: Session): Promise<boolean> {
  await session.handleIncomingRedirect({ url: window.location.href });
  return session.info.isLoggedIn && session.info.webId !== undefined;
}

/** Sends the resident to their provider's login page; the browser leaves this page. */
export function startLogin(session: Session, issuer: string): Promise<void> {
  return session.login({ oidcIssuer: issuer, redirectUrl: returnUrl(), clientName: CLIENT_NAME });
}

/** The issuer the page offers first: the one the broker serving it names (`config.json`), if any. */
export async function defaultIssuer(): Promise<string> {
  try {
    const response = await fetch(new URL('config.json', returnUrl()));
    if (!response.ok) return '';
    const config = (await response.json()) as { issuer?: unknown };
    return typeof config.issuer === 'string' ? config.issuer : '';
  } catch {
    return '';
  }
}
