/**
 * Validation of request bodies the collector accepts. Anything that is not
 * exactly the protocol's shape is rejected with a message naming the problem;
 * unknown keys (including `__proto__` and `constructor`) are rejected at every
 * level, so nothing unexpected is ever merged or persisted.
 */
import type { Field } from '../../src/core/field.js';
import { type Delta, isDelta } from '../../src/core/merge.js';

/** A validated batch. */
export interface ValidBatch {
  id: string;
  device: string;
  sentAt: number;
  seq?: [number, number];
  writeKey?: string;
  deltas: Delta[];
}

/** Most deltas accepted in one batch. */
export const MAX_DELTAS = 5000;
const ID = /^[\w-]{1,64}$/;
const BATCH_KEYS = ['id', 'device', 'seq', 'sentAt', 'writeKey', 'deltas'];
const DELTA_KEYS = ['s', 'key', 'f'];
const FIELD_KEYS = ['k', 'v', 't'];

/** The result of a validation. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function unknownKey(value: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  return Object.keys(value).find((key) => !allowed.includes(key));
}

/** A copy of a delta holding only the protocol's keys, or an error. */
function cleanDelta(value: unknown, at: string): Checked<Delta> {
  if (!isRecord(value) || !isDelta(value)) return { ok: false, error: `${at} is not a valid delta` };
  const extra = unknownKey(value, DELTA_KEYS) ?? unknownKey(value.f as unknown as Record<string, unknown>, FIELD_KEYS);
  if (extra !== undefined) return { ok: false, error: `${at} has unknown field "${extra}"` };
  return { ok: true, value: { s: value.s, key: value.key, f: { ...value.f } as Field } };
}

/** Validates a push body. */
export function checkBatch(body: unknown): Checked<ValidBatch> {
  if (!isRecord(body)) return { ok: false, error: 'body must be a JSON object' };
  const extra = unknownKey(body, BATCH_KEYS);
  if (extra !== undefined) return { ok: false, error: `unknown field "${extra}"` };
  if (typeof body.id !== 'string' || !ID.test(body.id)) return { ok: false, error: 'id must be 1-64 letters, digits, "_" or "-"' };
  if (typeof body.device !== 'string' || !ID.test(body.device)) return { ok: false, error: 'device must be 1-64 letters, digits, "_" or "-"' };
  if (typeof body.sentAt !== 'number' || !Number.isFinite(body.sentAt)) return { ok: false, error: 'sentAt must be a number' };
  if (body.writeKey !== undefined && typeof body.writeKey !== 'string') return { ok: false, error: 'writeKey must be a string' };
  if (!Array.isArray(body.deltas) || body.deltas.length > MAX_DELTAS) return { ok: false, error: `deltas must be an array of at most ${MAX_DELTAS}` };
  const seq = body.seq;
  if (seq !== undefined && !(Array.isArray(seq) && seq.length === 2 && seq.every(Number.isSafeInteger) && seq[0] <= seq[1])) {
    return { ok: false, error: 'seq must be [lowest, highest] sequence numbers' };
  }
  const deltas: Delta[] = [];
  for (let i = 0; i < body.deltas.length; i++) {
    const delta = cleanDelta(body.deltas[i], `deltas[${i}]`);
    if (!delta.ok) return delta;
    if (seq && (delta.value.s < seq[0] || delta.value.s > seq[1])) return { ok: false, error: `deltas[${i}].s is outside seq` };
    deltas.push(delta.value);
  }
  const value: ValidBatch = { id: body.id, device: body.device, sentAt: body.sentAt, deltas };
  if (seq) value.seq = [seq[0], seq[1]];
  if (body.writeKey !== undefined) value.writeKey = body.writeKey as string;
  return { ok: true, value };
}

/** Validates a forget body: `{ device, writeKey? }`. */
export function checkForget(body: unknown): Checked<{ device: string; writeKey?: string }> {
  if (!isRecord(body)) return { ok: false, error: 'body must be a JSON object' };
  const extra = unknownKey(body, ['device', 'writeKey']);
  if (extra !== undefined) return { ok: false, error: `unknown field "${extra}"` };
  if (typeof body.device !== 'string' || !ID.test(body.device)) return { ok: false, error: 'device must be 1-64 letters, digits, "_" or "-"' };
  if (body.writeKey !== undefined && typeof body.writeKey !== 'string') return { ok: false, error: 'writeKey must be a string' };
  const value: { device: string; writeKey?: string } = { device: body.device };
  if (typeof body.writeKey === 'string') value.writeKey = body.writeKey;
  return { ok: true, value };
}
