/**
 * The decision snapshot: everything a decision reads from a visitor's
 * profile, precomputed into one small JSON value. The second stage writes it
 * whenever the profile changes (and at `pagehide`); the first file reads it in
 * one IndexedDB read and decides from it, without the reducer or the profile
 * view. Every decision in every door goes snapshot → decide.
 *
 * It stays right until the next event: affinities of one horizon all decay by
 * the same factor, so their shares of a dimension's total (and of the item
 * events) do not change with time, and what does change with time (session
 * liveness, recency, lifecycle, checkout intent) is computed at decision time
 * from the timestamps kept here. Nothing in it depends on the model (links and
 * segments apply at decision time), so a snapshot made under one model decides
 * correctly under the next.
 */
import { EVENTS_LABEL, type Horizon } from './affinity-label.js';
import { PROTOTYPE_KEYS, type Scalar, hasOwn } from './field.js';
import { isFiniteNumber } from './finite.js';
import type { ProfileView } from './view.js';

/** Version of the snapshot's shape; a stored snapshot of another version is ignored (the page decides as for a new visitor until the second stage writes a new one). */
export const SNAPSHOT_VERSION = 1;

/** Counters the decision reads besides the feedback counters (`b.*`) and purchased items (`i.p.*`); `n.page_view` seeds exploration. */
const NUMBERS = ['s.count', 'm.value', 'n.purchase', 'n.view_item', 'n.page_view'] as const;
/** Counter prefixes the decision reads: feedback (`b.`) and purchased items (`i.p.`, left out of recommendations). */
const NUMBER_PREFIXES = ['b.', 'i.p.'] as const;
/** Registers the decision reads besides the traits (`u.*`). */
const REGISTERS = ['t.last', 's.gap', 'c.value', 'c.checkout', 'm.last'] as const;
const HORIZONS: readonly Horizon[] = ['l', 's', 'r'];

/** What one affinity label (`cat:running`) weighs in one horizon: its share of its dimension, and of the item events. */
export type Strength = [share: number, frequency: number];

/** See the module comment. Plain JSON: stored as is in IndexedDB and sent to nobody. */
export interface DecisionSnapshot {
  /** {@link SNAPSHOT_VERSION}. */
  v: number;
  /** When it was made (epoch ms): the moment its profile view was computed for, and the default decision time. */
  at: number;
  /** Counters: `s.count`, `m.value`, `n.purchase`, `n.view_item`, `n.page_view`, every feedback counter `b.*` and purchased item `i.p.*`. */
  n: Record<string, number>;
  /** Registers: `t.last`, `s.gap`, `c.value`, `c.checkout`, `m.last` and every trait `u.*`. */
  r: Record<string, Scalar>;
  /** Per horizon (`l` long-term, `s` session, `r` recent), per affinity label: its {@link Strength}. */
  a: Record<Horizon, Record<string, Strength>>;
  /** Per recent-affinity label, item events since one last touched it (0: the latest item had it). */
  ages: Record<string, number>;
}

/** Most keys one record of a stored snapshot may hold: a profile keeps 512 fields per device, and a visitor has few devices. */
const MAX_KEYS = 32_768;
/** Longest key: field keys are at most 128 characters. */
const MAX_KEY = 256;

/** Longest register text: tracked strings are cut at 256 characters, so anything much longer was not written by the SDK. */
const MAX_TEXT = 1024;

const isScalar = (value: unknown): boolean => value === null || (typeof value === 'string' && value.length <= MAX_TEXT) || typeof value === 'boolean' || isFiniteNumber(value);
const isShare = (value: unknown): boolean => isFiniteNumber(value) && value >= 0 && value <= 1;
const isStrength = (value: unknown): boolean => Array.isArray(value) && value.length === 2 && isShare(value[0]) && isShare(value[1]);
const isAge = (value: unknown): boolean => isFiniteNumber(value) && value >= 0;

/** A share in [0, 1]: anything else (NaN, negative, above 1) only corrupted fields can produce. */
const unit = (x: number): number => (x > 0 ? Math.min(1, x) : 0);

/**
 * Builds the snapshot of a profile view. Cost is linear in the number of
 * fields. What it returns always passes {@link isSnapshot}: values corrupted
 * in storage (non-finite counters, non-scalar registers, negative affinities)
 * are left out or clamped rather than stored into a snapshot that every page
 * would then refuse.
 */
export function snapshotOf(view: ProfileView): DecisionSnapshot {
  const n: Record<string, number> = {};
  const r: Record<string, Scalar> = {};
  const count = (key: string, value: number | undefined): void => void (isFiniteNumber(value) && (n[key] = value));
  const keep = (key: string, value: Scalar | undefined): void => void (isScalar(value) && (r[key] = value as Scalar));
  for (const key of NUMBERS) count(key, view.number(key));
  for (const prefix of NUMBER_PREFIXES) for (const [key, value] of view.numbers(prefix)) count(key, value);
  for (const key of REGISTERS) keep(key, view.register(key));
  for (const [key, value] of view.registers('u.')) keep(key, value);
  const a: DecisionSnapshot['a'] = { l: {}, s: {}, r: {} };
  for (const horizon of HORIZONS) {
    const affinities = view.affinities(horizon);
    const events = affinities.get(EVENTS_LABEL) ?? 0;
    affinities.forEach((value, label) => {
      if (label === EVENTS_LABEL || !(value > 0)) return;
      // The same division the view-based features made at decision time: shares are exact, not re-derived.
      const share = unit(value / view.affinityTotal(horizon, label.slice(0, label.indexOf(':')) as never));
      // Profiles stored before item events were counted fall back to the share.
      a[horizon][label] = [share, events > 0 ? unit(value / events) : share];
    });
  }
  const ages: Record<string, number> = {};
  view.ages.forEach((age, label) => void (isAge(age) && (ages[label] = age)));
  return { v: SNAPSHOT_VERSION, at: view.now, n, r, a, ages };
}

// The readers below take dotted keys (`s.count`, `i.p.<id>`), which no prototype key is, and a stored
// snapshot holds no prototype key (isSnapshot): a plain read is an own read.

/** A counter of the snapshot, or `undefined`. */
export function snapshotNumber(snapshot: DecisionSnapshot, key: string): number | undefined {
  return snapshot.n[key];
}

/** A register of the snapshot, or `undefined`. */
export function snapshotRegister(snapshot: DecisionSnapshot, key: string): Scalar | undefined {
  return snapshot.r[key];
}

/** A numeric register's value (timestamps, gaps), or `undefined`. */
export function registerNumber(snapshot: DecisionSnapshot, key: string): number | undefined {
  const value = snapshot.r[key];
  return typeof value === 'number' ? value : undefined;
}

/** True when `value` is a plain record of at most {@link MAX_KEYS} bounded, non-prototype keys whose own values all pass `ok`. */
function isRecordOf(value: unknown, ok: (item: unknown) => boolean): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length > MAX_KEYS) return false;
  for (const key of keys) if (key.length > MAX_KEY || PROTOTYPE_KEYS.has(key) || !ok((value as Record<string, unknown>)[key])) return false;
  return true;
}

/**
 * A cheap shape check for a snapshot read from storage (written by an older
 * version, or by hand in devtools): right version, finite numbers, scalar
 * registers, strengths of two shares in [0, 1], ages ≥ 0, bounded sizes, no
 * prototype keys. Reads
 * own keys only and never throws; what it accepts decides without throwing.
 */
export function isSnapshot(value: unknown): value is DecisionSnapshot {
  try {
    // A primitive has no own keys; null throws in hasOwn, caught below.
    const own = (key: string): unknown => (hasOwn(value as object, key) ? (value as Record<string, unknown>)[key] : undefined);
    const a = own('a');
    return own('v') === SNAPSHOT_VERSION && isFiniteNumber(own('at')) && isRecordOf(own('n'), isFiniteNumber) && isRecordOf(own('r'), isScalar) &&
      isRecordOf(own('ages'), isAge) && isRecordOf(a, () => true) &&
      HORIZONS.every((h) => hasOwn(a as object, h) && isRecordOf((a as Record<string, unknown>)[h], isStrength));
  } catch {
    // A proxy or getter cannot come from IndexedDB, but nothing read from outside may throw here (nor null, above).
    return false;
  }
}
