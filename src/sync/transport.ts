/**
 * Transports carry sync requests to a backend. The sender only ever sees a
 * status code, so the OneToOne protocol, the Segment-compatible mode and a
 * site's own function are interchangeable.
 */
import type { Batch } from './batch.js';
import { parseRetryAfter } from './backoff.js';

/** What a transport is asked to deliver. */
export type SyncRequest =
  | { kind: 'batch'; batch: Batch; keepalive: boolean }
  | { kind: 'forget'; device: string; writeKey?: string };

/** A backend's answer: an HTTP-like status (0 for a network error) and an optional wait before retrying. */
export interface TransportResult {
  status: number;
  retryAfterMs?: number;
}

/**
 * Delivers one request. Resolve with the backend's status; throwing counts as
 * a network error (retried with backoff). A batch must be applied at most once
 * per `batch.id` for exactly-once effect, though re-applying its deltas is harmless.
 */
export type Transport = (request: SyncRequest) => Promise<TransportResult>;

/**
 * Longest wait for an answer, ms. A hung connection would otherwise hold the
 * send lock (and so every tab's sync) for the page's lifetime; past it the
 * request counts as a network error and is retried with the same batch id.
 */
export const REQUEST_TIMEOUT_MS = 15_000;

/** POSTs `body` as a simple request (text/plain, no credentials), so no CORS preflight is needed. */
export async function post(url: string, body: unknown, keepalive = false): Promise<TransportResult> {
  const signal = AbortSignal.timeout?.(REQUEST_TIMEOUT_MS);
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body), keepalive, credentials: 'omit', signal });
  return { status: response.status, retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()) };
}

/** The OneToOne JSON protocol (docs/protocol.md): `POST /v1/batch` and `POST /v1/forget`. */
export function jsonTransport(endpoint: string): Transport {
  return (request) =>
    request.kind === 'batch'
      ? post(endpoint + '/v1/batch', request.batch, request.keepalive)
      : post(endpoint + '/v1/forget', { device: request.device, writeKey: request.writeKey });
}
