/**
 * Segment-compatible mode: each batch becomes a Segment HTTP API `/v1/batch`
 * body, so sites can point OneToOne at collectors they already run (Segment,
 * RudderStack, Jitsu and other Segment-protocol endpoints).
 *
 * A batch becomes one `track` event named `o2o_profile_delta` whose
 * properties carry the deltas, preceded by an `identify` when the batch links
 * a user id or changes traits (`u.*` fields). Message ids derive from the
 * batch id, so a retried batch is deduplicated by the pipeline.
 */
import type { Batch } from './batch.js';
import { type Transport, post } from './transport.js';

/** Turns a batch into a Segment `/v1/batch` body. */
export function toSegmentBody(batch: Batch): Record<string, unknown> {
  const timestamp = new Date(batch.sentAt).toISOString();
  const traits: Record<string, unknown> = {};
  // The identity signature is a credential for the OneToOne collector, not a trait or a profile value: it never reaches the third party.
  const deltas = batch.deltas.filter((d) => d.key !== 'u.sig');
  for (const { key, f } of deltas) if (key.startsWith('u.') && f.k === 'r') traits[key.slice(2)] = f.v;
  const { id: userId, ...rest } = traits;
  const base = { anonymousId: batch.device, timestamp, ...(typeof userId === 'string' && { userId }) };
  const track = { type: 'track', event: 'o2o_profile_delta', messageId: batch.id, properties: { seq: batch.seq, deltas }, ...base };
  return {
    batch: Object.keys(traits).length ? [{ type: 'identify', messageId: batch.id + '-i', traits: rest, ...base }, track] : [track],
    sentAt: timestamp,
    writeKey: batch.writeKey,
  };
}

/** The Segment `/v1/batch` body of a `forget()`: one `track` named `o2o_forget`. */
function forgetBody(device: string, writeKey?: string): Record<string, unknown> {
  const timestamp = new Date().toISOString();
  return { batch: [{ type: 'track', event: 'o2o_forget', messageId: 'forget-' + device, anonymousId: device, timestamp }], sentAt: timestamp, writeKey };
}

/**
 * The Segment-compatible transport on `endpoint/v1/batch`. Segment's tracking
 * API cannot erase; `forget()` sends a `track` named `o2o_forget` for the
 * pipeline to act on (for example a Segment deletion regulation).
 */
export const segmentTransport = (endpoint: string): Transport => (request) =>
  // Built field by field from the batch: the device key never reaches the third party, and no cookie does either.
  request.kind === 'batch'
    ? post(endpoint + '/v1/batch', toSegmentBody(request.batch), request.keepalive, 'omit')
    : post(endpoint + '/v1/batch', forgetBody(request.device, request.writeKey), false, 'omit');
