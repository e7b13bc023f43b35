/**
 * Validation of request bodies (docs/protocol.md, protocol v2). Anything that
 * is not exactly the protocol's shape is rejected with a message naming the
 * problem; unknown keys (including `__proto__` and `constructor`) are refused
 * at every level, so nothing unexpected is merged or persisted.
 */
import type { Delta } from '../src/core/merge.js';
import { type Field, PROTOTYPE_KEYS, isField, isFieldKey } from '../src/core/field.js';

/** A validated push. */
export interface ValidBatch {
  id: string;
  device: string;
  sentAt: number;
  seq?: [number, number];
  writeKey?: string;
  /** Absent only for a v1 body accepted in development (`acceptV1`). */
  deviceKey?: string;
  deltas: Delta[];
  /**
   * Deltas left out because their key, well-formed for the client, is refused by the service's key
   * rule ({@link keyAllowed}: markup characters, or anything outside ASCII letters, digits and
   * `_.:-` with `asciiKeys`): the rest of the batch applies, and the 200 answer counts them in `refused`.
   */
  refusedKeys: number;
}

/** A validated device-scoped request (`/v1/device`, `/v1/profile`, `/v1/forget`). */
export interface ValidDeviceRequest {
  device: string;
  deviceKey?: string;
  writeKey?: string;
}

/** The result of a validation: the cleaned value, or an HTTP status and a message naming the problem. */
export type Checked<T> = { ok: true; value: T } | { ok: false; status: number; error: string };

/** Most deltas accepted in one batch. */
export const MAX_DELTAS = 5000;
/** The answer to a body without a device credential (v1 clients; docs/protocol.md). */
export const V2_REQUIRED = 'device credential required: protocol v2';

const ID = /^[\w-]{1,64}$/;
/** The strict key grammar (`asciiKeys`): a letter, then up to 127 of `[A-Za-z0-9_.:-]`. */
const ASCII_KEY = /^[A-Za-z][\w.:-]{0,127}$/;
/** Characters no site label needs and every HTML report would have to escape. */
const MARKUP = /[<>]/;
/** 32 random bytes, base64url without padding. */
const DEVICE_KEY = /^[\w-]{43}$/;
const BATCH_KEYS = ['v', 'id', 'device', 'deviceKey', 'seq', 'sentAt', 'writeKey', 'deltas'];
const DEVICE_KEYS = ['v', 'device', 'deviceKey', 'writeKey'];
const DELTA_KEYS = ['s', 'key', 'f'];
const FIELD_KEYS = ['k', 'v', 't'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function unknownKey(value: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  return Object.keys(value).find((key) => !allowed.includes(key));
}

const bad = (error: string): { ok: false; status: number; error: string } => ({ ok: false, status: 400, error });

/**
 * True when the service stores a delta of `key`. Keys are first checked with the SDK's own rule
 * (`core/field` isFieldKey: a letter, up to 127 more characters in any script, no control or format
 * character, no prototype name as a part), which lets real category names such as
 * `a.l.cat:chaussures été` sync. On top of it the service refuses `<` and `>` (markup such as
 * `a.l.cat:<img src=x onerror=alert(1)>`), or, with `asciiKeys`, anything outside `[A-Za-z][A-Za-z0-9_.:-]{0,127}`.
 */
export function keyAllowed(key: string, asciiKeys: boolean): boolean {
  return asciiKeys ? ASCII_KEY.test(key) && !key.split(/[.:]/).some((part) => PROTOTYPE_KEYS.has(part)) : !MARKUP.test(key);
}

/** The log message for deltas left out by {@link keyAllowed}. */
export function refusedKeysMessage(count: number, asciiKeys: boolean): string {
  return `${asciiKeys ? 'keys outside [A-Za-z][A-Za-z0-9_.:-]{0,127}' : 'keys with < or >'}: ${count} deltas refused`;
}

/** A copy of a delta holding only the protocol's keys, or an error naming it. */
function cleanDelta(value: unknown, at: string): Checked<Delta> {
  if (!isRecord(value) || typeof value.s !== 'number' || !Number.isSafeInteger(value.s) || value.s < 0) return bad(`${at} is not a valid delta`);
  if (!isFieldKey(value.key) || !isField(value.f)) return bad(`${at} is not a valid delta`);
  const extra = unknownKey(value, DELTA_KEYS) ?? unknownKey(value.f as unknown as Record<string, unknown>, FIELD_KEYS);
  if (extra !== undefined) return bad(`${at} has unknown field "${extra}"`);
  return { ok: true, value: { s: value.s, key: value.key, f: { ...value.f } as Field } };
}

/**
 * The credential part shared by every device-scoped body: `"v": 2` and a well-formed
 * `deviceKey` (401 without, unless `acceptV1` lets a v1 body through).
 */
function checkCredential(body: Record<string, unknown>, acceptV1: boolean): Checked<string | undefined> {
  if (body.v === undefined && body.deviceKey === undefined) return acceptV1 ? { ok: true, value: undefined } : { ok: false, status: 401, error: V2_REQUIRED };
  if (body.v !== 2) return bad('v must be 2');
  if (typeof body.deviceKey !== 'string') return { ok: false, status: 401, error: V2_REQUIRED };
  if (!DEVICE_KEY.test(body.deviceKey)) return bad('deviceKey must be 43 base64url characters');
  return { ok: true, value: body.deviceKey };
}

function checkCommon(body: Record<string, unknown>): string | undefined {
  if (typeof body.device !== 'string' || !ID.test(body.device)) return 'device must be 1-64 letters, digits, "_" or "-"';
  if (body.writeKey !== undefined && (typeof body.writeKey !== 'string' || body.writeKey.length > 256)) return 'writeKey must be a string of at most 256 characters';
  return undefined;
}

/** Validates a push body (`acceptV1`: development only; `asciiKeys`: see {@link keyAllowed}). */
export function checkBatch(body: unknown, acceptV1 = false, asciiKeys = false): Checked<ValidBatch> {
  if (!isRecord(body)) return bad('body must be a JSON object');
  const extra = unknownKey(body, BATCH_KEYS);
  if (extra !== undefined) return bad(`unknown field "${extra}"`);
  const credential = checkCredential(body, acceptV1);
  if (!credential.ok) return credential;
  if (typeof body.id !== 'string' || !ID.test(body.id)) return bad('id must be 1-64 letters, digits, "_" or "-"');
  const common = checkCommon(body);
  if (common) return bad(common);
  if (typeof body.sentAt !== 'number' || !Number.isFinite(body.sentAt)) return bad('sentAt must be a number');
  if (!Array.isArray(body.deltas) || body.deltas.length > MAX_DELTAS) return bad(`deltas must be an array of at most ${MAX_DELTAS}`);
  const seq = body.seq;
  if (seq !== undefined && !(Array.isArray(seq) && seq.length === 2 && seq.every(Number.isSafeInteger) && seq[0] <= seq[1])) {
    return bad('seq must be [lowest, highest] sequence numbers');
  }
  const deltas: Delta[] = [];
  let refusedKeys = 0;
  for (let i = 0; i < body.deltas.length; i++) {
    const delta = cleanDelta(body.deltas[i], `deltas[${i}]`);
    if (!delta.ok) return delta;
    if (seq && (delta.value.s < seq[0] || delta.value.s > seq[1])) return bad(`deltas[${i}].s is outside seq`);
    if (keyAllowed(delta.value.key, asciiKeys)) deltas.push(delta.value);
    else refusedKeys++;
  }
  const value: ValidBatch = { id: body.id, device: body.device as string, sentAt: body.sentAt, deltas, refusedKeys };
  if (seq) value.seq = [seq[0], seq[1]];
  if (body.writeKey !== undefined) value.writeKey = body.writeKey as string;
  if (credential.value !== undefined) value.deviceKey = credential.value;
  return { ok: true, value };
}

/** Validates a `/v1/device`, `/v1/profile` or `/v1/forget` body: `{ v: 2, device, deviceKey, writeKey? }`. */
export function checkDeviceRequest(body: unknown, acceptV1 = false): Checked<ValidDeviceRequest> {
  if (!isRecord(body)) return bad('body must be a JSON object');
  const extra = unknownKey(body, DEVICE_KEYS);
  if (extra !== undefined) return bad(`unknown field "${extra}"`);
  const credential = checkCredential(body, acceptV1);
  if (!credential.ok) return credential;
  const common = checkCommon(body);
  if (common) return bad(common);
  const value: ValidDeviceRequest = { device: body.device as string };
  if (credential.value !== undefined) value.deviceKey = credential.value;
  if (typeof body.writeKey === 'string') value.writeKey = body.writeKey;
  return { ok: true, value };
}

/** The first delta whose time `t` lies more than `maxFutureMs` after `now`, as a message, if any. */
export function futureTime(deltas: readonly Delta[], now: number, maxFutureMs: number): string | undefined {
  const index = deltas.findIndex((d) => 't' in d.f && d.f.t > now + maxFutureMs);
  return index < 0 ? undefined : `deltas[${index}].f.t is more than ${Math.round(maxFutureMs / 1000)} s in the future`;
}
