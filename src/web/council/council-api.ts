// The broker calls the council page makes, each with the council's key as a Bearer token.
import type { CouncilRequest, DeliveryView, WebhookView } from '../../broker/contract.ts';
import { problemOf } from '../shared/problem.ts';
import { apiUrl, requestJson } from '../shared/http.ts';

/** The broker's public rules: its WebID, the smallest minimum cohort and the purposes it allows. */
export interface BrokerInfo {
  webId: string;
  kFloor: number;
  purposes: string[];
}

/** A run of a request, as the broker reports it. */
export interface Run {
  id: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  /** Percent of homes read, in steps of 10. */
  progress: number;
  /** Why a failed run released nothing, e.g. a spent DP budget (409). */
  problem: { type: string; title: string; status: number; detail: string } | null;
}

/** One cell of a result: a metric over the consenting homes of one area in one period. */
export interface ResultCell {
  area: string;
  /** Only in requests split by dwelling type. */
  dwellingType?: string;
  period: string;
  metric: string;
  /** Rounded count of homes, or null when suppressed. */
  homes: number | null;
  mean: number | null;
  /** Always null: no median is released (one home's value). */
  median: number | null;
  suppressed: boolean;
  /** A cell withheld by secondary suppression: the rule and the earlier release it would combine with. */
  withheld?: { rule: string; request: string; run: string };
  /** Homes left out for too few measured hours / a stuck sensor: rounded like homes, null below k or under DP. */
  leftOut?: { lowCoverage: number | null; sensorFault: number | null };
}

/** The latest released results of a request. */
export interface Results {
  request: string;
  run: string;
  /** When the run finished. */
  runAt: string;
  k: number;
  epsilon: number | null;
  cells: ResultCell[];
}

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
  listRequests(): Promise<{ council: { id: string; name: string }; requests: CouncilRequest[] }> {
    return this.#call('council/requests');
  }

  /** Files a new request; the body is checked by the broker with the same schema the form uses. */
  createRequest(body: unknown): Promise<{ id: string }> {
    return this.#call('requests', { body });
  }

  /** Starts a run of a request. */
  startRun(requestId: string): Promise<Run> {
    return this.#call(`requests/${requestId}/runs`, { method: 'POST' });
  }

  /** The state and progress of a run. */
  getRun(requestId: string, runId: string): Promise<Run> {
    return this.#call(`requests/${requestId}/runs/${runId}`);
  }

  /** The latest results of a request. */
  getResults(requestId: string): Promise<Results> {
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
  setWebhook(url: string): Promise<WebhookView & { secret: string }> {
    return this.#call('council/webhook', { method: 'PUT', body: { url } });
  }

  /** Removes the webhook. */
  deleteWebhook(): Promise<void> {
    return this.#call('council/webhook', { method: 'DELETE' });
  }

  /** The webhook's last deliveries, newest first. */
  listDeliveries(): Promise<{ deliveries: DeliveryView[] }> {
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
