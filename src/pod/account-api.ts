// Client for Community Solid Server's account JSON API: accounts, passwords, pods, WebIDs, client credentials.
import { PodError } from '../errors.ts';
import { cryptoRandomSource } from '../random-source.ts';
import { retryTransient } from './backoff.ts';

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

/** Passes of account set-up before a server failure is handed on, and their spacing. */
const ACCOUNT_RETRY = { attempts: 4, baseMs: 1000, maxMs: 4000, random: cryptoRandomSource() };

/** The account API of one pod server. */
export class AccountApi {
  readonly server: string;
  /** The controls an anonymous caller sees never change: one request per server, not one per account. */
  private publicControls?: Promise<Controls>;

  constructor(server: string) {
    this.server = server.endsWith('/') ? server : `${server}/`;
  }

  /** Controls visible with (or without) an account token. */
  private async controls(token?: string): Promise<Controls> {
    if (token) return (await call<{ controls: Controls }>(`${this.server}.account/`, { token })).controls;
    this.publicControls ??= call<{ controls: Controls }>(`${this.server}.account/`).then(
      ({ controls }) => controls,
    );
    return this.publicControls.catch((error: unknown) => {
      this.publicControls = undefined;
      throw error;
    });
  }

  /** The WebID CSS gives the account whose pod is named `podName` (see `AccountSpec.podName`). */
  webIdOf(podName: string): string {
    return `${this.server}${podName}/profile/card#me`;
  }

  /** Logs in with email and password; returns the account token, or null when the login is refused. */
  async login(email: string, password: string): Promise<string | null> {
    const controls = await this.controls();
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

  /**
   * Creates an account with a password login and a pod, or finds the existing one; returns the token, WebID, pod
   * and the account's controls. `fresh` says the server cannot hold the account yet, so no login looks for it.
   * A step the server fails (5xx: a loaded CSS lets an account's lock expire after 6 s and answers 500, with the
   * step's outcome unknown) is taken again from the top after a pause, as a login first: it finds what the failed
   * attempt made, or, when its password never got registered, makes a new account (the empty one is left behind).
   */
  async ensureAccount(
    spec: AccountSpec,
    { fresh = false }: { fresh?: boolean } = {},
  ): Promise<{ token: string; webId: string; pod: string; created: boolean; controls: Controls }> {
    let passes = 0;
    return retryTransient(() => this.ensureAccountOnce(spec, fresh && passes++ === 0), ACCOUNT_RETRY);
  }

  /** One pass of {@link ensureAccount}. */
  private async ensureAccountOnce(
    spec: AccountSpec,
    fresh: boolean,
  ): Promise<{ token: string; webId: string; pod: string; created: boolean; controls: Controls }> {
    const existing = fresh ? null : await this.login(spec.email, spec.password);
    if (existing) {
      const controls = await this.controls(existing);
      const found = await this.findPod(existing, controls, spec.podName);
      if (found) return { token: existing, ...found, created: false, controls };
      // The account was made but its pod was not (a start cut off between the two, or the server failing that
      // step, e.g. CSS's "Lock expired" 500 under load): make the pod now rather than fail every later start.
      if (!controls.account!.pod) {
        throw new PodError(`Account has no pod named ${spec.podName}`, { url: this.server });
      }
      const made = await this.createPod(existing, controls, spec.podName);
      return { token: existing, ...made, created: true, controls };
    }
    const { authorization: token } = await call<{ authorization: string }>(
      (await this.controls()).account!.create!,
      { body: {} },
    );
    const controls = await this.controls(token);
    await call(controls.password!.create!, { token, body: { email: spec.email, password: spec.password } });
    const created = await this.createPod(token, controls, spec.podName);
    return { token, ...created, created: true, controls };
  }

  /** Makes the account's pod (and the WebID CSS makes with it). */
  private async createPod(
    token: string,
    controls: Controls,
    podName: string,
  ): Promise<{ webId: string; pod: string }> {
    const created = await call<{ pod: string; webId: string }>(controls.account!.pod!, {
      token,
      body: { name: podName },
    });
    return { webId: created.webId, pod: created.pod };
  }

  /** Finds the pod with the given name and the WebID linked to the account; null when the account has no such pod. */
  private async findPod(
    token: string,
    controls: Controls,
    podName: string,
  ): Promise<{ webId: string; pod: string } | null> {
    const { webIdLinks } = await call<{ webIdLinks: Record<string, string> }>(controls.account!.webId!, {
      token,
    });
    const webId = Object.keys(webIdLinks)[0];
    const expected = `${this.server}${podName}/`;
    // A server with registration closed offers no pod control (the `closed` variants of config/pod-server.json): its pods come
    // from the operator's seed file, and the pod is the one that holds the account's WebID.
    const pod = controls.account!.pod
      ? Object.keys(
          (await call<{ pods: Record<string, string> }>(controls.account!.pod, { token })).pods,
        ).find((url) => url === expected)
      : webId?.startsWith(expected)
        ? expected
        : undefined;
    return pod && webId ? { webId, pod } : null;
  }

  /** Creates a client-credentials token for the WebID (the secret is shown once, so callers must keep it). */
  async createClientCredentials(
    token: string,
    webId: string,
    name: string,
    controls?: Controls,
  ): Promise<{ id: string; secret: string }> {
    const own = controls ?? (await this.controls(token));
    return call<{ id: string; secret: string }>(own.account!.clientCredentials!, {
      token,
      body: { name, webId },
    });
  }

  /** Creates (or finds) an account, pod and WebID and mints fresh client credentials for it. */
  async provision(spec: AccountSpec, options: { fresh?: boolean } = {}): Promise<Identity> {
    const { token, webId, pod, controls } = await this.ensureAccount(spec, options);
    const { id, secret } = await this.createClientCredentials(
      token,
      webId,
      `homedata-${spec.podName}`,
      controls,
    );
    return { email: spec.email, webId, pod, issuer: this.server, clientId: id, clientSecret: secret };
  }
}
