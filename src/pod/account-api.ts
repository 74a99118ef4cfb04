// Client for Community Solid Server's account JSON API: accounts, passwords, pods, WebIDs, client credentials.
import { PodError } from '../errors.ts';

/** A resident, device or service identity on a pod server. */
export interface Identity {
  email: string;
  webId: string;
  /** Root of the identity's own pod. */
  pod: string;
  /** The server's OIDC issuer (its base URL). */
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export interface AccountSpec {
  email: string;
  password: string;
  /** Pod name; the pod is `<server>/<podName>/` and the WebID `<pod>profile/card#me`. */
  podName: string;
}

type Controls = {
  account?: { create?: string; pod?: string; webId?: string; clientCredentials?: string; logout?: string };
  password?: { create?: string; login?: string };
};

/** Calls one JSON endpoint of the account API, failing with the server's own message. */
async function call<T>(
  url: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // CSS answers 500 to a GET that carries a Content-Type but no body (measured): send it only with a body.
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `CSS-Account-Token ${init.token}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (error) {
    throw new PodError(`Pod server unreachable at ${new URL(url).origin}`, { url }, error);
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not JSON: keep the raw text
    }
    throw new PodError(`Account API ${new URL(url).pathname} answered ${response.status}: ${message}`, {
      url,
      podStatus: response.status,
    });
  }
  return JSON.parse(text) as T;
}

/** The account API of one pod server. */
export class AccountApi {
  readonly server: string;

  constructor(server: string) {
    this.server = server.endsWith('/') ? server : `${server}/`;
  }

  /** Controls visible with (or without) an account token. */
  private controls(token?: string): Promise<{ controls: Controls }> {
    return call(`${this.server}.account/`, { token });
  }

  /** Logs in with email and password; returns the account token, or null when the login is refused. */
  async login(email: string, password: string): Promise<string | null> {
    const { controls } = await this.controls();
    try {
      const { authorization } = await call<{ authorization: string }>(controls.password!.login!, {
        body: { email, password },
      });
      return authorization;
    } catch (error) {
      if (error instanceof PodError && error.context.podStatus === 403) return null;
      throw error;
    }
  }

  /** Creates an account with a password login and a pod, or finds the existing one; returns the token, WebID and pod. */
  async ensureAccount(
    spec: AccountSpec,
  ): Promise<{ token: string; webId: string; pod: string; created: boolean }> {
    const existing = await this.login(spec.email, spec.password);
    if (existing) {
      const { webId, pod } = await this.findPod(existing, spec.podName);
      return { token: existing, webId, pod, created: false };
    }
    const { controls } = await this.controls();
    const { authorization: token } = await call<{ authorization: string }>(controls.account!.create!, {
      body: {},
    });
    const { controls: own } = await this.controls(token);
    await call(own.password!.create!, { token, body: { email: spec.email, password: spec.password } });
    const created = await call<{ pod: string; webId: string }>(own.account!.pod!, {
      token,
      body: { name: spec.podName },
    });
    return { token, webId: created.webId, pod: created.pod, created: true };
  }

  /** Finds the pod with the given name and the WebID linked to the account. */
  private async findPod(token: string, podName: string): Promise<{ webId: string; pod: string }> {
    const { controls } = await this.controls(token);
    const { pods } = await call<{ pods: Record<string, string> }>(controls.account!.pod!, { token });
    const pod = Object.keys(pods).find((url) => url === `${this.server}${podName}/`);
    const { webIdLinks } = await call<{ webIdLinks: Record<string, string> }>(controls.account!.webId!, {
      token,
    });
    const webId = Object.keys(webIdLinks)[0];
    if (!pod || !webId) {
      throw new PodError(`Account has no pod named ${podName}`, { url: this.server });
    }
    return { webId, pod };
  }

  /** Creates a client-credentials token for the WebID (the secret is shown once, so callers must keep it). */
  async createClientCredentials(
    token: string,
    webId: string,
    name: string,
  ): Promise<{ id: string; secret: string }> {
    const { controls } = await this.controls(token);
    return call<{ id: string; secret: string }>(controls.account!.clientCredentials!, {
      token,
      body: { name, webId },
    });
  }

  /** Creates (or finds) an account, pod and WebID and mints fresh client credentials for it. */
  async provision(spec: AccountSpec): Promise<Identity> {
    const { token, webId, pod } = await this.ensureAccount(spec);
    const { id, secret } = await this.createClientCredentials(token, webId, `homedata-${spec.podName}`);
    return { email: spec.email, webId, pod, issuer: this.server, clientId: id, clientSecret: secret };
  }
}
