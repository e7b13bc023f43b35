/**
 * Transports carry sync requests to a backend. The sender only ever sees a
 * status code, so the OneToOne protocol, the Segment-compatible mode and a
 * site's own function are interchangeable.
 */
import type { Batch } from './batch.js';
import { parseRetryAfter } from './backoff.js';

/**
 * What a transport is asked to deliver. `deviceKey` is the device's credential
 * (protocol v2): a function transport sends it to its own backend; the
 * Segment-compatible transport never sends it to the third party.
 */
export type SyncRequest =
  | { kind: 'batch'; batch: Batch; keepalive: boolean; deviceKey?: string }
  | { kind: 'forget'; device: string; writeKey?: string; deviceKey?: string };

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

/** Protocol version of every device-scoped request body. */
export const PROTOCOL = 2;

/**
 * POSTs `body` as a simple request (text/plain), so no CORS preflight is
 * needed. `same-origin` lets the collector's first-party device cookie travel
 * (and be set or cleared) only when the collector is on the site's own origin.
 */
export function send(url: string, body: unknown, keepalive = false, credentials: RequestCredentials = 'same-origin'): Promise<Response> {
  return fetch(url, { method: 'POST', body: JSON.stringify(body), keepalive, credentials, signal: AbortSignal.timeout?.(REQUEST_TIMEOUT_MS) });
}

/** The status and `Retry-After` of `response`. */
export const resultOf = (response: Response): TransportResult => ({ status: response.status, retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()) });

/** {@link send}, answered with {@link resultOf}. */
export const post = (url: string, body: unknown, keepalive?: boolean, credentials?: RequestCredentials): Promise<TransportResult> =>
  send(url, body, keepalive, credentials).then(resultOf);

/** The OneToOne JSON protocol (docs/protocol.md): `POST /v1/batch` and `POST /v1/forget`, with the device key. */
export const jsonTransport = (endpoint: string): Transport => (request) =>
  post(
    endpoint + '/v1/' + request.kind,
    request.kind === 'batch'
      ? { v: PROTOCOL, ...request.batch, deviceKey: request.deviceKey }
      : { v: PROTOCOL, device: request.device, deviceKey: request.deviceKey, writeKey: request.writeKey },
    request.kind === 'batch' && request.keepalive,
  );
