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
import type { Scalar } from './field.js';
import type { ProfileView } from './view.js';
import { EVENTS_LABEL } from './profile.js';

/** Version of the snapshot's shape; a stored snapshot of another version is ignored (the page decides as for a new visitor until the second stage writes a new one). */
export const SNAPSHOT_VERSION = 1;

/** Counters the decision reads besides the feedback counters (`b.*`). */
const NUMBERS = ['s.count', 'm.value', 'n.purchase', 'n.view_item'] as const;
/** Registers the decision reads besides the traits (`u.*`). */
const REGISTERS = ['t.last', 's.gap', 'c.value', 'c.checkout', 'm.last'] as const;

/** What one affinity label (`cat:running`) weighs in one horizon: its share of its dimension, and of the item events. */
export type Strength = [share: number, frequency: number];

/** See the module comment. Plain JSON: stored as is in IndexedDB and sent to nobody. */
export interface DecisionSnapshot {
  /** {@link SNAPSHOT_VERSION}. */
  v: number;
  /** When it was made (epoch ms): the moment its profile view was computed for. */
  at: number;
  /** Counters: `s.count`, `m.value`, `n.purchase`, `n.view_item` and every feedback counter `b.*`. */
  n: Record<string, number>;
  /** Registers: `t.last`, `s.gap`, `c.value`, `c.checkout`, `m.last` and every trait `u.*`. */
  r: Record<string, Scalar>;
  /** Per horizon (`l` long-term, `s` session, `r` recent), per affinity label: its {@link Strength}. */
  a: Record<'l' | 's' | 'r', Record<string, Strength>>;
  /** Per recent-affinity label, item events since one last touched it (0: the latest item had it). */
  ages: Record<string, number>;
}

/** Builds the snapshot of a profile view. Cost is linear in the number of fields. */
export function snapshotOf(view: ProfileView): DecisionSnapshot {
  const n: Record<string, number> = {};
  const r: Record<string, Scalar> = {};
  for (const key of NUMBERS) {
    const value = view.number(key);
    if (value !== undefined) n[key] = value;
  }
  for (const [key, value] of view.numbers('b.')) n[key] = value;
  for (const key of REGISTERS) {
    const value = view.register(key);
    if (value !== undefined) r[key] = value;
  }
  for (const [key, value] of view.registers('u.')) r[key] = value;
  const a: DecisionSnapshot['a'] = { l: {}, s: {}, r: {} };
  for (const horizon of ['l', 's', 'r'] as const) {
    const affinities = view.affinities(horizon);
    const events = affinities.get(EVENTS_LABEL) ?? 0;
    affinities.forEach((value, label) => {
      if (label === EVENTS_LABEL || !value) return;
      const total = view.affinityTotal(horizon, label.slice(0, label.indexOf(':')) as never);
      const share = total ? value / total : 0;
      // Profiles stored before item events were counted fall back to the share.
      a[horizon][label] = [share, events ? Math.min(1, value / events) : share];
    });
  }
  return { v: SNAPSHOT_VERSION, at: view.now, n, r, a, ages: Object.fromEntries(view.ages) };
}
