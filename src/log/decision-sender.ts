/**
 * Sending one decision-log request, `POST /v1/decisions` (docs/protocol.md
 * "Decision log"), with the device credential and write key, as a simple
 * request like batches (src/sync/transport.ts), and what its answer means.
 */
import type { LogRequest } from './decision-queue.js';
import { verdictFor, type Verdict } from '../sync/backoff.js';
import { PROTOCOL, type TransportResult, post } from '../sync/transport.js';

/** The request body of `POST /v1/decisions`. */
export interface DecisionLogBody extends Omit<LogRequest, 'id'> {
  v: typeof PROTOCOL;
  /** Request id `[A-Za-z0-9_-]{1,64}`; a retried request keeps it. */
  id: string;
  device: string;
  deviceKey: string | undefined;
  writeKey?: string;
  /** Client clock when (re)sent, epoch ms. */
  sentAt: number;
}

/** The body for `request` from `device`. */
export function decisionLogBody(request: LogRequest, device: string, deviceKey: string | undefined, writeKey: string | undefined, now: number): DecisionLogBody {
  const body: DecisionLogBody = { v: PROTOCOL, id: request.id, device, deviceKey, sentAt: now, decisions: request.decisions, outcomes: request.outcomes };
  if (writeKey) body.writeKey = writeKey;
  return body;
}

/**
 * Posts one request; network errors and timeouts answer status 0.
 * `ok`: delivered; `retry` (network, 408, 429, 5xx): keep it and try later;
 * `drop` (other 4xx): the collector refuses these records for good.
 */
export async function postDecisionLog(endpoint: string, body: DecisionLogBody, keepalive: boolean): Promise<TransportResult & { verdict: Verdict }> {
  let result: TransportResult;
  try {
    result = await post(endpoint + '/v1/decisions', body, keepalive);
  } catch {
    result = { status: 0 };
  }
  return { ...result, verdict: verdictFor(result.status) };
}
