/**
 * Validation of request bodies (docs/protocol.md, protocol v2). Anything that
 * is not exactly the protocol's shape is rejected with a message naming the
 * problem; unknown keys (including `__proto__` and `constructor`) are refused
 * at every level, so nothing unexpected is merged or persisted.
 */
import type { Delta } from '../src/core/merge.js';
import { type Field, PROTOTYPE_KEYS, isField, isFieldKey } from '../src/core/field.js';
import { type DecisionRecord, MAX_LOGGED_CANDIDATES, MAX_LOGGED_FEATURES, type OutcomeKind, type OutcomeRecord } from '../src/core/decision-record.js';

/** A validated push. */
export interface ValidBatch {
  id: string;
  device: string;
  sentAt: number;
  seq?: [number, number];
  writeKey?: string;
  deviceKey: string;
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
  deviceKey: string;
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
 * `deviceKey` (401 naming the protocol without one: a v1 client).
 */
function checkCredential(body: Record<string, unknown>): Checked<string> {
  if (body.v === undefined && body.deviceKey === undefined) return { ok: false, status: 401, error: V2_REQUIRED };
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

/** What every push (`/v1/batch`, `/v1/decisions`) carries besides its records. */
interface PushHead {
  id: string;
  device: string;
  deviceKey: string;
  writeKey?: string;
  sentAt: number;
}

/**
 * The envelope shared by both pushes: a JSON object with only `allowed` keys, the device
 * credential, a request id, the device and write key, and the client clock.
 */
function checkPush(body: unknown, allowed: readonly string[]): Checked<{ body: Record<string, unknown>; head: PushHead }> {
  if (!isRecord(body)) return bad('body must be a JSON object');
  const extra = unknownKey(body, allowed);
  if (extra !== undefined) return bad(`unknown field "${extra}"`);
  const credential = checkCredential(body);
  if (!credential.ok) return credential;
  if (typeof body.id !== 'string' || !ID.test(body.id)) return bad('id must be 1-64 letters, digits, "_" or "-"');
  const common = checkCommon(body);
  if (common) return bad(common);
  if (typeof body.sentAt !== 'number' || !Number.isFinite(body.sentAt)) return bad('sentAt must be a number');
  const head: PushHead = { id: body.id, device: body.device as string, deviceKey: credential.value, sentAt: body.sentAt };
  if (body.writeKey !== undefined) head.writeKey = body.writeKey as string;
  return { ok: true, value: { body, head } };
}

/** Validates a push body (`asciiKeys`: see {@link keyAllowed}). */
export function checkBatch(input: unknown, asciiKeys = false): Checked<ValidBatch> {
  const envelope = checkPush(input, BATCH_KEYS);
  if (!envelope.ok) return envelope;
  const { body, head } = envelope.value;
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
  const value: ValidBatch = { ...head, deltas, refusedKeys };
  if (seq) value.seq = [seq[0], seq[1]];
  return { ok: true, value };
}

/** Validates a `/v1/device`, `/v1/profile` or `/v1/forget` body: `{ v: 2, device, deviceKey, writeKey? }`. */
export function checkDeviceRequest(body: unknown): Checked<ValidDeviceRequest> {
  if (!isRecord(body)) return bad('body must be a JSON object');
  const extra = unknownKey(body, DEVICE_KEYS);
  if (extra !== undefined) return bad(`unknown field "${extra}"`);
  const credential = checkCredential(body);
  if (!credential.ok) return credential;
  const common = checkCommon(body);
  if (common) return bad(common);
  const value: ValidDeviceRequest = { device: body.device as string, deviceKey: credential.value };
  if (typeof body.writeKey === 'string') value.writeKey = body.writeKey;
  return { ok: true, value };
}

/** The first delta whose time `t` lies more than `maxFutureMs` after `now`, as a message, if any. */
export function futureTime(deltas: readonly Delta[], now: number, maxFutureMs: number): string | undefined {
  const index = deltas.findIndex((d) => 't' in d.f && d.f.t > now + maxFutureMs);
  return index < 0 ? undefined : `deltas[${index}].f.t is more than ${Math.round(maxFutureMs / 1000)} s in the future`;
}

/** A validated `POST /v1/decisions` body. */
export interface ValidDecisionLog {
  /** Request id (logs only: records are deduplicated by their own ids). */
  id: string;
  device: string;
  deviceKey: string;
  writeKey?: string;
  sentAt: number;
  decisions: DecisionRecord[];
  outcomes: OutcomeRecord[];
  /** Features left out because their name is refused by {@link keyAllowed} (markup, or non-ASCII with `asciiKeys`). */
  refusedFeatures: number;
}

/** Most decisions in one `POST /v1/decisions`. */
export const MAX_DECISIONS_PER_REQUEST = 100;
/** Most outcomes in one `POST /v1/decisions`. */
export const MAX_OUTCOMES_PER_REQUEST = 400;
/** Largest `POST /v1/decisions` body, bytes. */
export const MAX_DECISION_LOG_BYTES = 15_000;

const DECISION_LOG_KEYS = ['v', 'id', 'device', 'deviceKey', 'writeKey', 'sentAt', 'decisions', 'outcomes'];
const DECISION_KEYS = ['id', 't', 'slot', 'model', 'group', 'variant', 'candidates', 'p', 'pm', 'pe', 'f', 'cf'];
const OUTCOME_KEYS = ['id', 'd', 'k', 'v', 't'];
const GROUPS: readonly string[] = ['personalized', 'holdout', 'preview'];
const OUTCOME_KINDS: readonly string[] = ['impression', 'click', 'add_to_cart', 'purchase', 'conversion'] satisfies OutcomeKind[];
/** A model document's id (as core/model checks it). */
const MODEL_ID = /^[\w.:-]{1,64}$/;
/** Largest outcome value accepted (a currency amount). */
const MAX_OUTCOME_VALUE = 1e12;

/** True for a slot, variant or candidate id: `[A-Za-z0-9_-]{1,64}` and no prototype name (they become object keys). */
function isSlotId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value) && !PROTOTYPE_KEYS.has(value);
}

/** A finite time, epoch ms. */
function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** A clean copy of a sparse feature map: names by the profile key grammar, finite numbers, at most {@link MAX_LOGGED_FEATURES}. */
function cleanFeatures(value: unknown, at: string, asciiKeys: boolean): Checked<{ features: Record<string, number>; refused: number }> {
  if (!isRecord(value)) return bad(`${at} must be an object of features`);
  const names = Object.keys(value);
  if (names.length > MAX_LOGGED_FEATURES) return bad(`${at} has more than ${MAX_LOGGED_FEATURES} features`);
  const features: Record<string, number> = {};
  let refused = 0;
  for (const name of names) {
    const v = value[name];
    if (!isFieldKey(name)) return bad(`${at} has a feature name outside the profile key grammar`);
    if (typeof v !== 'number' || !Number.isFinite(v)) return bad(`${at}.${name} must be a finite number`);
    if (keyAllowed(name, asciiKeys)) features[name] = v;
    else refused++;
  }
  return { ok: true, value: { features, refused } };
}

/** A clean copy of one decision record, or an error naming it. */
function cleanDecision(value: unknown, at: string, asciiKeys: boolean): Checked<{ decision: DecisionRecord; refused: number }> {
  if (!isRecord(value)) return bad(`${at} must be an object`);
  const extra = unknownKey(value, DECISION_KEYS);
  if (extra !== undefined) return bad(`${at} has unknown field "${extra}"`);
  if (typeof value.id !== 'string' || !ID.test(value.id)) return bad(`${at}.id must be 1-64 letters, digits, "_" or "-"`);
  if (!isTime(value.t)) return bad(`${at}.t must be a time in ms`);
  if (!isSlotId(value.slot)) return bad(`${at}.slot must be 1-64 letters, digits, "_" or "-"`);
  if (typeof value.model !== 'string' || !MODEL_ID.test(value.model)) return bad(`${at}.model must be a model id`);
  if (typeof value.group !== 'string' || !GROUPS.includes(value.group)) return bad(`${at}.group must be one of ${GROUPS.join(', ')}`);
  if (!isSlotId(value.variant)) return bad(`${at}.variant must be 1-64 letters, digits, "_" or "-"`);
  const candidates = value.candidates;
  if (!Array.isArray(candidates) || candidates.length === 0 || candidates.length > MAX_LOGGED_CANDIDATES || !candidates.every(isSlotId)) {
    return bad(`${at}.candidates must be 1-${MAX_LOGGED_CANDIDATES} variant ids`);
  }
  if (new Set(candidates).size !== candidates.length) return bad(`${at}.candidates repeats an id`);
  if (!candidates.includes(value.variant)) return bad(`${at}.candidates must include the chosen variant`);
  if (typeof value.p !== 'number' || !Number.isFinite(value.p) || value.p <= 0 || value.p > 1) return bad(`${at}.p must be a probability in (0, 1]`);
  if (value.pm !== 'exact' && value.pm !== 'estimated') return bad(`${at}.pm must be exact or estimated`);
  if (value.pe !== undefined && (value.pm !== 'estimated' || typeof value.pe !== 'number' || !Number.isFinite(value.pe) || value.pe < 0 || value.pe > 1)) {
    return bad(`${at}.pe must be a standard error in [0, 1], with pm estimated only`);
  }
  const f = cleanFeatures(value.f, `${at}.f`, asciiKeys);
  if (!f.ok) return f;
  if (!isRecord(value.cf)) return bad(`${at}.cf must be an object`);
  let refused = f.value.refused;
  const cf: Record<string, Record<string, number>> = {};
  for (const candidate of Object.keys(value.cf)) {
    if (!candidates.includes(candidate)) return bad(`${at}.cf names a variant that is not a candidate`);
    const features = cleanFeatures(value.cf[candidate], `${at}.cf.${candidate}`, asciiKeys);
    if (!features.ok) return features;
    cf[candidate] = features.value.features;
    refused += features.value.refused;
  }
  const decision: DecisionRecord = {
    id: value.id, t: value.t, slot: value.slot, model: value.model, group: value.group as DecisionRecord['group'], variant: value.variant,
    candidates: [...candidates], p: value.p, pm: value.pm, f: f.value.features, cf,
  };
  if (value.pe !== undefined) decision.pe = value.pe as number;
  return { ok: true, value: { decision, refused } };
}

/** A clean copy of one outcome record, or an error naming it. */
function cleanOutcome(value: unknown, at: string): Checked<OutcomeRecord> {
  if (!isRecord(value)) return bad(`${at} must be an object`);
  const extra = unknownKey(value, OUTCOME_KEYS);
  if (extra !== undefined) return bad(`${at} has unknown field "${extra}"`);
  if (typeof value.id !== 'string' || !ID.test(value.id)) return bad(`${at}.id must be 1-64 letters, digits, "_" or "-"`);
  if (typeof value.d !== 'string' || !ID.test(value.d)) return bad(`${at}.d must be a decision id`);
  if (typeof value.k !== 'string' || !OUTCOME_KINDS.includes(value.k)) return bad(`${at}.k must be one of ${OUTCOME_KINDS.join(', ')}`);
  if (value.v !== undefined && (typeof value.v !== 'number' || !Number.isFinite(value.v) || value.v < 0 || value.v > MAX_OUTCOME_VALUE)) {
    return bad(`${at}.v must be a value from 0 to ${MAX_OUTCOME_VALUE}`);
  }
  if (!isTime(value.t)) return bad(`${at}.t must be a time in ms`);
  const outcome: OutcomeRecord = { id: value.id, d: value.d, k: value.k as OutcomeKind, t: value.t };
  if (value.v !== undefined) outcome.v = value.v as number;
  return { ok: true, value: outcome };
}

/**
 * Validates a `POST /v1/decisions` body: `{ v: 2, id, device, deviceKey, writeKey?, sentAt,
 * decisions (≤ 100), outcomes (≤ 400) }`, unknown keys refused at every level. Feature names the
 * service's key rule refuses ({@link keyAllowed}) are left out and counted, as batch keys are.
 */
export function checkDecisionLog(input: unknown, asciiKeys = false): Checked<ValidDecisionLog> {
  const envelope = checkPush(input, DECISION_LOG_KEYS);
  if (!envelope.ok) return envelope;
  const { body, head } = envelope.value;
  if (!Array.isArray(body.decisions) || body.decisions.length > MAX_DECISIONS_PER_REQUEST) return bad(`decisions must be an array of at most ${MAX_DECISIONS_PER_REQUEST}`);
  if (!Array.isArray(body.outcomes) || body.outcomes.length > MAX_OUTCOMES_PER_REQUEST) return bad(`outcomes must be an array of at most ${MAX_OUTCOMES_PER_REQUEST}`);
  const value: ValidDecisionLog = { ...head, decisions: [], outcomes: [], refusedFeatures: 0 };
  for (let i = 0; i < body.decisions.length; i++) {
    const checked = cleanDecision(body.decisions[i], `decisions[${i}]`, asciiKeys);
    if (!checked.ok) return checked;
    value.decisions.push(checked.value.decision);
    value.refusedFeatures += checked.value.refused;
  }
  for (let i = 0; i < body.outcomes.length; i++) {
    const checked = cleanOutcome(body.outcomes[i], `outcomes[${i}]`);
    if (!checked.ok) return checked;
    value.outcomes.push(checked.value);
  }
  return { ok: true, value };
}

/** The first decision or outcome whose time `t` lies more than `maxFutureMs` after `now`, as a message, if any. */
export function futureRecordTime(log: Pick<ValidDecisionLog, 'decisions' | 'outcomes'>, now: number, maxFutureMs: number): string | undefined {
  const late = (t: number): boolean => t > now + maxFutureMs;
  const decision = log.decisions.findIndex((d) => late(d.t));
  if (decision >= 0) return `decisions[${decision}].t is more than ${Math.round(maxFutureMs / 1000)} s in the future`;
  const outcome = log.outcomes.findIndex((o) => late(o.t));
  return outcome < 0 ? undefined : `outcomes[${outcome}].t is more than ${Math.round(maxFutureMs / 1000)} s in the future`;
}
