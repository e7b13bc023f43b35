/**
 * Sending one decision-log request, `POST /v1/decisions` (docs/protocol.md
 * "Decision log"), with the device credential and write key, as a simple
 * request like batches (src/sync/transport.ts).
 */
import type { LogRequest } from './decision-queue.js';
import { type PROTOCOL, type TransportResult, post } from '../sync/transport.js';

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

/** Posts one request; network errors and timeouts answer status 0 (`verdictFor` says what an answer means). */
export function postDecisionLog(endpoint: string, body: DecisionLogBody, keepalive: boolean): Promise<TransportResult> {
  return post(endpoint + '/v1/decisions', body, keepalive).catch(() => ({ status: 0 }));
}
