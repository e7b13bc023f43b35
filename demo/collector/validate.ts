/**
 * Validation of request bodies the collector accepts. Anything that is not
 * exactly the protocol's shape is rejected with a message naming the problem.
 */
import { type Delta, isDelta } from '../../src/core/merge.js';

/** A validated batch. */
export interface ValidBatch {
  id: string;
  device: string;
  sentAt: number;
  writeKey?: string;
  deltas: Delta[];
}

/** Most deltas accepted in one batch. */
export const MAX_DELTAS = 5000;
const ID = /^[\w-]{1,64}$/;
const BATCH_KEYS = new Set(['id', 'device', 'sentAt', 'writeKey', 'deltas']);

/** The result of a validation. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Validates a push body. */
export function checkBatch(body: unknown): Checked<ValidBatch> {
  if (!isRecord(body)) return { ok: false, error: 'body must be a JSON object' };
  for (const key of Object.keys(body)) {
    if (!BATCH_KEYS.has(key)) return { ok: false, error: `unknown field "${key}"` };
  }
  if (typeof body.id !== 'string' || !ID.test(body.id)) return { ok: false, error: 'id must be 1-64 letters, digits, "_" or "-"' };
  if (typeof body.device !== 'string' || !ID.test(body.device)) return { ok: false, error: 'device must be 1-64 letters, digits, "_" or "-"' };
  if (typeof body.sentAt !== 'number' || !Number.isFinite(body.sentAt)) return { ok: false, error: 'sentAt must be a number' };
  if (body.writeKey !== undefined && typeof body.writeKey !== 'string') return { ok: false, error: 'writeKey must be a string' };
  if (!Array.isArray(body.deltas) || body.deltas.length > MAX_DELTAS) return { ok: false, error: `deltas must be an array of at most ${MAX_DELTAS}` };
  for (let i = 0; i < body.deltas.length; i++) {
    if (!isDelta(body.deltas[i])) return { ok: false, error: `deltas[${i}] is not a valid delta` };
  }
  const value: ValidBatch = { id: body.id, device: body.device, sentAt: body.sentAt, deltas: body.deltas as Delta[] };
  if (body.writeKey !== undefined) value.writeKey = body.writeKey as string;
  return { ok: true, value };
}

/** Validates a forget body: `{ device, writeKey? }`. */
export function checkForget(body: unknown): Checked<{ device: string; writeKey?: string }> {
  if (!isRecord(body)) return { ok: false, error: 'body must be a JSON object' };
  if (typeof body.device !== 'string' || !ID.test(body.device)) return { ok: false, error: 'device must be 1-64 letters, digits, "_" or "-"' };
  const value: { device: string; writeKey?: string } = { device: body.device };
  if (typeof body.writeKey === 'string') value.writeKey = body.writeKey;
  return { ok: true, value };
}
