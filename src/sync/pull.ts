/**
 * Pulling from the backend (OneToOne protocol only): the remote profile, for
 * a visitor seen on another device or after a link by user id, and the model
 * document, revalidated with its ETag. Answers are untrusted: fields that do
 * not validate are skipped.
 */
import { isField, isFieldKey } from '../core/field.js';
import { type Replica, mergeDeviceStates, mergeReplicas } from '../core/merge.js';
import { VALIDATED_MODEL, parseModel } from '../core/model.js';
import type { Profile } from '../core/profile.js';
import { PROTOCOL, send } from './transport.js';

/** A cached model and the ETag it was served with; `v` is {@link VALIDATED_MODEL} once `doc` is the validated model. */
export interface CachedModel {
  etag: string;
  doc: unknown;
  v?: number;
}

/** The entries of `value` when it is an object (none otherwise: an untrusted answer may be anything). */
const entriesOf = (value: unknown): Array<[string, unknown]> => Object.entries(value && typeof value === 'object' ? value : {});

/** Keeps only well-formed devices and fields of an untrusted replica. */
export function readReplica(input: unknown): Replica {
  const replica: Replica = {};
  for (const [device, state] of entriesOf(input)) {
    if (!/^[\w-]{1,64}$/.test(device) || !state || typeof state !== 'object') continue;
    const { seq, fields } = state as { seq?: unknown; fields?: unknown };
    const clean: Replica[string] = (replica[device] = { seq: Number.isSafeInteger(seq) ? (seq as number) : 0, fields: {} });
    for (const [key, field] of entriesOf(fields)) if (isFieldKey(key) && isField(field)) clean.fields[key] = field;
  }
  return replica;
}

/**
 * Joins a pulled replica into a profile: this device's copy joins `own`
 * (restoring what the backend already has), other devices join `remote`.
 * Pure, and as commutative and idempotent as the join it is made of.
 */
export function joinReplica(profile: Profile, device: string, replica: Replica): Profile {
  const { [device]: mine, ...others } = replica;
  return { v: profile.v, own: mine ? mergeDeviceStates(profile.own, mine) : profile.own, remote: mergeReplicas(profile.remote, others) };
}

/**
 * Fetches the visitor's replica (this device and the devices verified as the
 * same user) with `POST /v1/profile`, proving the device with its key;
 * undefined when the backend knows nothing or refused.
 */
export async function pullProfile(endpoint: string, device: string, deviceKey: string, writeKey?: string): Promise<Replica | undefined> {
  const response = await send(endpoint + '/v1/profile', { v: PROTOCOL, device, deviceKey, writeKey });
  return response.ok ? readReplica(((await response.json()) as { replica?: unknown }).replica) : undefined;
}

/**
 * Fetches the model unless `cached` is still current (304) and validates it, so
 * it is stored ready to use; undefined when unchanged, unavailable or invalid
 * (`rejected` hears why). A cache stored before validation moved here is fetched again.
 */
export async function pullModel(endpoint: string, cached: CachedModel | undefined, rejected: (reason: string) => void): Promise<CachedModel | undefined> {
  const headers = cached?.v === VALIDATED_MODEL ? { 'if-none-match': cached.etag } : undefined;
  const response = await fetch(endpoint + '/v1/model', { headers, credentials: 'omit' });
  // Unchanged (304) or unavailable.
  if (!response.ok) return undefined;
  const parsed = parseModel(await response.text());
  if (parsed.ok) return { etag: response.headers.get('etag') ?? '', doc: parsed.model, v: VALIDATED_MODEL };
  rejected(parsed.reason);
}
