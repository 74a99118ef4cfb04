// JSON over HTTP for the pages: one call that sends, checks the status and reads the body or the problem.
import { problemOf } from './problem.ts';

/** Options of {@link requestJson}. */
export interface JsonRequest {
  method?: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** The fetch to use: the resident's authenticated one, or the window's. */
  fetch?: typeof fetch;
}

/** Calls `url` and returns its JSON body (undefined for 204); throws a ProblemError for any answer that is not OK. */
export async function requestJson<T>(url: string, options: JsonRequest = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const send = options.fetch ?? window.fetch.bind(window);
  const response = await send(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (!response.ok) throw await problemOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** The broker's API base: the pages are served by the broker, so it is this origin's `/api/`. */
export function apiUrl(path: string): string {
  return new URL(`/api/${path.replace(/^\//, '')}`, window.location.origin).href;
}
