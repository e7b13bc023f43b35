/**
 * Profile fields: the smallest unit that is stored, synced and merged.
 *
 * Each device owns its own copy of every field it has written. A field's
 * successive values on one device only ever move "up" in a total order, so
 * merging two copies is taking the larger: a join that is commutative,
 * associative and idempotent. That is what makes deltas safe to retry,
 * duplicate, reorder and compact (only the latest value per key matters).
 */
import { isFiniteNumber } from './finite.js';

/** A JSON scalar kept in a register. */
export type Scalar = string | number | boolean | null;

/** Grow-only counter: this device's running total. */
export interface CounterField {
  k: 'c';
  v: number;
}
/** Minimum register (first-seen timestamps): merge keeps the smaller. */
export interface MinField {
  k: 'm';
  v: number;
}
/** Exponentially decayed sum, valued `v` at time `t` (epoch ms). */
export interface DecayField {
  k: 'd';
  v: number;
  t: number;
}
/** Last-writer-wins register written at time `t`. */
export interface RegisterField {
  k: 'r';
  v: Scalar;
  t: number;
}

/** Keys that could reach an object's prototype chain if copied naively: never accepted from input. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * True when `key` is `object`'s own property: a lookup by an untrusted name
 * (`constructor`, `toString`) must not find what objects inherit.
 */
export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/**
 * A letter, then up to 127 characters: affinity keys carry the site's own labels
 * (`a.l.cat:chaussures été`, any script), so only control and format characters
 * (bidi overrides included) and unpaired surrogates are refused.
 */
const KEY = /^[a-z][^\p{Cc}\p{Cf}\p{Cs}]{0,127}$/iu;

/** True when `key` is an acceptable field key (bounded, printable, no prototype keys). */
export function isFieldKey(key: unknown): key is string {
  return typeof key === 'string' && KEY.test(key) && !key.split(/[.:]/).some((part) => PROTOTYPE_KEYS.has(part));
}

/** Any profile field. */
export type Field = CounterField | MinField | DecayField | RegisterField;

/** Kinds in their order: fields of one key but different kinds (never written by this SDK) compare by kind. */
const KINDS = 'cmdr';

function compareScalars(a: Scalar, b: Scalar): number {
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Orders two fields of one key on one device; the join keeps the greater. */
export function compareFields(a: Field, b: Field): number {
  if (a.k !== b.k) return KINDS.indexOf(a.k) - KINDS.indexOf(b.k);
  if (a.k === 'c') return a.v - (b as CounterField).v;
  if (a.k === 'm') return (b as MinField).v - a.v;
  // Decayed sums and registers: the later write wins; at one time, the larger value.
  const o = b as DecayField | RegisterField;
  if (a.t !== o.t) return a.t - o.t;
  return a.k === 'd' ? a.v - (o.v as number) : compareScalars(a.v, o.v);
}

/** The join of two copies of one field: commutative, associative, idempotent. */
export function joinFields(a: Field | undefined, b: Field): Field {
  if (!a) return b;
  return compareFields(a, b) >= 0 ? a : b;
}

/** The value of a decayed field at `now`, given its half-life in ms. */
export function decayedValue(field: DecayField, now: number, halfLifeMs: number): number {
  const age = Math.max(0, now - field.t);
  return field.v * Math.pow(2, -age / halfLifeMs);
}

/** True when `value` has the shape of a {@link Field}; used on untrusted input. */
export function isField(value: unknown): value is Field {
  if (value === null || typeof value !== 'object') return false;
  const f = value as Record<string, unknown>;
  switch (f.k) {
    case 'c':
    case 'd':
      // Counters and decayed sums never go below 0; a decayed sum has its time.
      return isFiniteNumber(f.v) && f.v >= 0 && (f.k === 'c' || isFiniteNumber(f.t));
    case 'm':
      return isFiniteNumber(f.v);
    case 'r':
      return isFiniteNumber(f.t) && (f.v === null || typeof f.v === 'boolean' || isFiniteNumber(f.v) || (typeof f.v === 'string' && f.v.length <= 256));
    default:
      return false;
  }
}
