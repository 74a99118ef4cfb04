// The broker calls the council page makes, each with the council's key as a Bearer token.
import type {
  BrokerInfo,
  CouncilRequestList,
  DeliveryList,
  DeliveryView,
  PublicRequest,
  RegisteredWebhook,
  ResultsDocument,
  RunView,
  WebhookView,
} from '../../broker/contract.ts';
import { problemOf } from '../shared/problem.ts';
import { apiUrl, requestJson } from '../shared/http.ts';

/** A signed-in council's view of the broker. */
export class CouncilApi {
  readonly #key: string;

  constructor(key: string) {
    this.#key = key;
  }

  /** Calls the broker with the key; throws a ProblemError for any answer that is not OK. */
  #call<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
    return requestJson<T>(apiUrl(path), { ...options, headers: { authorization: `Bearer ${this.#key}` } });
  }

  /** The council's own requests with state and consent progress; also how a key is checked at sign-in. */
  listRequests(): Promise<CouncilRequestList> {
    return this.#call('council/requests');
  }

  /** Files a new request; the body is checked by the broker with the same schema the form uses. */
  createRequest(body: unknown): Promise<PublicRequest> {
    return this.#call('requests', { body });
  }

  /** Starts a run of a request. */
  startRun(requestId: string): Promise<RunView> {
    return this.#call(`requests/${requestId}/runs`, { method: 'POST' });
  }

  /** The state and progress of a run. */
  getRun(requestId: string, runId: string): Promise<RunView> {
    return this.#call(`requests/${requestId}/runs/${runId}`);
  }

  /** The latest results of a request. */
  getResults(requestId: string): Promise<ResultsDocument> {
    return this.#call(`requests/${requestId}/results`);
  }

  /** The council's webhook, or null when none is registered. */
  async getWebhook(): Promise<WebhookView | null> {
    try {
      return await this.#call<WebhookView>('council/webhook');
    } catch (error) {
      if ((error as { status?: number }).status === 404) return null;
      throw error;
    }
  }

  /** Registers or replaces the webhook; the answer holds the signing secret, shown only this once. */
  setWebhook(url: string): Promise<RegisteredWebhook> {
    return this.#call('council/webhook', { method: 'PUT', body: { url } });
  }

  /** Removes the webhook. */
  deleteWebhook(): Promise<void> {
    return this.#call('council/webhook', { method: 'DELETE' });
  }

  /** The webhook's last deliveries, newest first. */
  listDeliveries(): Promise<DeliveryList> {
    return this.#call('council/webhook/deliveries?limit=20');
  }

  /** Sends a delivery again. */
  replayDelivery(id: string): Promise<DeliveryView> {
    return this.#call(`council/webhook/deliveries/${encodeURIComponent(id)}/replay`, { method: 'POST' });
  }

  /** The latest results as the broker's CSV, for download. */
  async getResultsCsv(requestId: string): Promise<Blob> {
    const response = await fetch(apiUrl(`requests/${requestId}/results`), {
      headers: { accept: 'text/csv', authorization: `Bearer ${this.#key}` },
    });
    if (!response.ok) throw await problemOf(response);
    return response.blob();
  }
}

/** The broker's public rules; no key needed. */
export function fetchBrokerInfo(): Promise<BrokerInfo> {
  return requestJson<BrokerInfo>(apiUrl('broker'));
}
