/**
 * Merging deltas and replicas. The same code runs in the browser (pulling a
 * remote profile) and in the reference collector (applying pushed batches).
 *
 * A replica maps each device id to that device's fields. Applying a delta, or
 * merging two replicas, joins fields key by key (see {@link joinFields}), so
 * every operation here is commutative, associative and idempotent.
 */
import { type Field, isField, isFieldKey, joinFields } from './field.js';

/** One change to one key on one device, numbered by that device's sequence. */
export interface Delta {
  /** Per-device sequence number of the write that produced this value. */
  s: number;
  /** Field key, for example `a.l.category:running`. */
  key: string;
  /** The field's complete new value on that device (not an increment). */
  f: Field;
}

/** The fields one device has written, plus the highest sequence number seen. */
export interface DeviceState {
  seq: number;
  fields: Record<string, Field>;
}

/** Every device's state for one visitor. */
export type Replica = Record<string, DeviceState>;

/** An empty device state. */
export function emptyDeviceState(): DeviceState {
  return { seq: 0, fields: {} };
}

export { isFieldKey } from './field.js';

/** True when `value` has the shape of a {@link Delta}; used on untrusted input. */
export function isDelta(value: unknown): value is Delta {
  // Equivalent mutants: dropping `typeof value !== 'object'` or `typeof d.s === 'number'` changes no answer
  // (a primitive has no numeric `s`, and Number.isSafeInteger is false for non-numbers); they say what is meant.
  if (value === null || typeof value !== 'object') return false;
  const d = value as Record<string, unknown>;
  return typeof d.s === 'number' && Number.isSafeInteger(d.s) && d.s >= 0 && isFieldKey(d.key) && isField(d.f);
}

/** Applies deltas to one device's state without mutating it. */
export function applyDeltas(state: DeviceState, deltas: readonly Delta[]): DeviceState {
  const fields: Record<string, Field> = { ...state.fields };
  let seq = state.seq;
  for (const delta of deltas) {
    fields[delta.key] = joinFields(fields[delta.key], delta.f);
    // Equivalent mutant: `>=` assigns the same number.
    if (delta.s > seq) seq = delta.s;
  }
  return { seq, fields };
}

/** Joins two device states key by key. */
export function mergeDeviceStates(a: DeviceState, b: DeviceState): DeviceState {
  const fields: Record<string, Field> = { ...a.fields };
  for (const key of Object.keys(b.fields)) {
    const field = b.fields[key];
    if (field) fields[key] = joinFields(fields[key], field);
  }
  return { seq: Math.max(a.seq, b.seq), fields };
}

/** Joins two replicas device by device. */
export function mergeReplicas(a: Replica, b: Replica): Replica {
  const out: Replica = { ...a };
  for (const device of Object.keys(b)) {
    const theirs = b[device];
    if (!theirs) continue;
    const ours = out[device];
    out[device] = ours ? mergeDeviceStates(ours, theirs) : theirs;
  }
  return out;
}

/**
 * Folds a list of deltas so each key appears once, keeping the greatest value.
 * A long offline queue shrinks to at most one delta per key instead of dropping data.
 */
export function compactDeltas(deltas: readonly Delta[]): Delta[] {
  const byKey = new Map<string, Delta>();
  for (const delta of deltas) {
    const previous = byKey.get(delta.key);
    byKey.set(delta.key, previous ? { s: Math.max(previous.s, delta.s), key: delta.key, f: joinFields(previous.f, delta.f) } : delta);
  }
  return [...byKey.values()];
}
