// Talks to the consent broker over HTTP with the resident's own fetch: public requests, and the resident routes.
import {
  AuthenticationError,
  ConflictError,
  ForbiddenError,
  HomedataError,
  NotFoundError,
  PodError,
  ValidationError,
} from '../errors.ts';

/** A council request as the broker publishes it (`GET /api/requests`). */
export interface CouncilRequest {
  id: string;
  council: { id: string; name: string };
  title: string;
  /** DPV purpose IRI. */
  purpose: string;
  description: string;
  metrics: string[];
  areas: string[];
  period: { from: string; to: string };
  granularity: 'month' | 'week';
  minCohort: number;
  /** ISO instant; consent ends there at the latest. */
  consentUntil: string;
  dp: { epsilon: number } | null;
  /** `prio3`: the home sends Prio3 reports for both aggregators; absent from older brokers: plain. */
  aggregation?: 'plain' | 'prio3';
  createdAt: string;
  state: 'open' | 'closed';
}

/** The broker's public facts (`GET /api/broker`). */
export interface BrokerInfo {
  /** The WebID residents grant Read to. */
  webId: string;
  kFloor: number;
  purposes: string[];
  /** The two Prio3 aggregators (WebID, HPKE public key base64); null or absent without private aggregation. */
  privateAggregation?: {
    leader: { id: string; publicKey: string };
    helper: { id: string; publicKey: string };
  } | null;
}

/** A consent as the broker counts it (`GET /api/residents/me/consents`). */
export interface BrokerConsent {
  requestId: string;
  state: 'given' | 'withdrawn' | 'expired';
  givenAt: string;
  expiresAt: string;
  withdrawnAt: string | null;
}

/** An RFC 9457 problem document as the broker sends it. */
interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { field: string; message: string }[];
}

/** Turns a broker problem into the matching member of the error family, keeping its message and field errors. */
function errorFromProblem(status: number, problem: Problem): HomedataError {
  const detail = problem.detail ?? problem.title ?? `The broker answered ${status}`;
  const slug = problem.type?.split('/').pop() || 'broker';
  const context = problem.errors ? { errors: problem.errors } : {};
  if (status === 401) return new AuthenticationError(detail, context);
  if (status === 403) return new ForbiddenError(detail, context);
  if (status === 404) return new NotFoundError(detail, context);
  if (status === 409) return new ConflictError(slug, detail, context);
  if (status === 400 || status === 422) return new ValidationError(detail, context);
  return new HomedataError(slug, status, detail, context);
}

/** The broker's HTTP API, called with the resident's session fetch (public routes ignore the token). */
export class BrokerClient {
  readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;

  constructor(baseUrl: string, fetchFn: typeof fetch) {
    this.baseUrl = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
    this.fetchFn = fetchFn;
  }

  /** Calls one route and returns its JSON (or undefined for 204), throwing the broker's problem as an error. */
  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new PodError(`The broker at ${this.baseUrl} cannot be reached`, { url: this.baseUrl }, error);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    if (!response.ok) {
      let problem: Problem = {};
      try {
        problem = JSON.parse(text) as Problem;
      } catch {
        // not a problem document: keep the status alone
      }
      throw errorFromProblem(response.status, problem);
    }
    return JSON.parse(text) as T;
  }

  /** The broker's WebID and rules. */
  info(): Promise<BrokerInfo> {
    return this.call('GET', 'api/broker');
  }

  /** Every request, newest first. */
  async listRequests(): Promise<CouncilRequest[]> {
    return (await this.call<{ requests: CouncilRequest[] }>('GET', 'api/requests')).requests;
  }

  /** One request. */
  getRequest(id: string): Promise<CouncilRequest> {
    return this.call('GET', `api/requests/${encodeURIComponent(id)}`);
  }

  /** Tells the broker the resident consented; it reads the record from `pod` before counting it. */
  notifyConsent(
    requestId: string,
    pod: string,
  ): Promise<{ requestId: string; state: 'given'; expiresAt: string }> {
    return this.call('POST', `api/requests/${encodeURIComponent(requestId)}/consents`, { pod });
  }

  /** Tells the broker the resident withdrew. */
  async notifyWithdrawal(requestId: string): Promise<void> {
    await this.call('DELETE', `api/requests/${encodeURIComponent(requestId)}/consents/me`);
  }

  /** The resident's consents as the broker counts them. */
  async myConsents(): Promise<BrokerConsent[]> {
    return (await this.call<{ consents: BrokerConsent[] }>('GET', 'api/residents/me/consents')).consents;
  }
}
