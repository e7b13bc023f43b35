/**
 * Reading a profile: the visitor's values at one moment, summed over all of
 * their devices. Features and the debug panel read profiles only through this.
 */
import type { DeviceState } from './merge.js';
import { type Scalar, decayedValue } from './field.js';
import { DEFAULT_PROFILE_OPTIONS, type Dimension, type Horizon, type Profile, type ProfileOptions } from './profile.js';

/** A profile's values at `now`, across devices. */
export interface ProfileView {
  /** The moment the view was computed for (epoch ms). */
  now: number;
  /** Counter or minimum value of a key (`n.page_view`, `m.value`, `t.first`, …). */
  number(key: string): number | undefined;
  /** Latest register value of a key (`c.value`, `u.email`, …). */
  register(key: string): Scalar | undefined;
  /** Latest register values whose key starts with `prefix` (traits are `u.`). */
  registers(prefix: string): Array<[string, Scalar]>;
  /** Counter values whose key starts with `prefix` (feedback counts are `b.`). */
  numbers(prefix: string): Array<[string, number]>;
  /** Decayed affinities of one horizon, keyed `dimension:value`, for example `cat:running`. */
  affinities(horizon: Horizon): ReadonlyMap<string, number>;
  /** Sum of one horizon's affinities in one dimension, for normalizing. */
  affinityTotal(horizon: Horizon, dimension: Dimension): number;
  /** Per recent-affinity label, item events since one last touched it (0: the latest item had it). */
  ages: ReadonlyMap<string, number>;
}

function devicesOf(profile: Profile): DeviceState[] {
  return [profile.own, ...Object.values(profile.remote)];
}

/** Computes a {@link ProfileView}. Cost is linear in the number of fields. */
export function viewProfile(profile: Profile, now: number, options: ProfileOptions = DEFAULT_PROFILE_OPTIONS): ProfileView {
  const numbers = new Map<string, number>();
  const registers = new Map<string, { v: Scalar; t: number }>();
  const affinity = { l: new Map<string, number>(), s: new Map<string, number>(), r: new Map<string, number>() };
  const totals = new Map<string, number>();
  const ages = new Map<string, number>();
  for (const device of devicesOf(profile)) {
    // Recent affinities decay by this device's item-event count rather than by time.
    const events = device.fields['a.n']?.v as number | undefined ?? 0;
    for (const key of Object.keys(device.fields)) {
      const field = device.fields[key];
      if (!field) continue;
      if (field.k === 'c') numbers.set(key, (numbers.get(key) ?? 0) + field.v);
      else if (field.k === 'm') numbers.set(key, Math.min(numbers.get(key) ?? Infinity, field.v));
      else if (field.k === 'r') {
        const previous = registers.get(key);
        if (!previous || field.t > previous.t) registers.set(key, field);
      } else if (key.startsWith('a.')) {
        const horizon = key[2] === 's' ? 's' : key[2] === 'r' ? 'r' : 'l';
        const value = horizon === 'r' ? decayedValue(field, events, options.recentHalfLifeEvents)
          : decayedValue(field, now, horizon === 's' ? options.shortHalfLifeMs : options.longHalfLifeMs);
        const label = key.slice(4);
        // Recent fields are stamped with the item-event count that last touched them.
        if (horizon === 'r') ages.set(label, Math.min(ages.get(label) ?? Infinity, events - field.t));
        affinity[horizon].set(label, (affinity[horizon].get(label) ?? 0) + value);
        const total = horizon + label.slice(0, label.indexOf(':'));
        totals.set(total, (totals.get(total) ?? 0) + value);
      }
    }
  }
  return {
    now,
    number: (key) => numbers.get(key),
    register: (key) => registers.get(key)?.v,
    registers: (prefix) => [...registers].filter(([key]) => key.startsWith(prefix)).map(([key, r]) => [key, r.v]),
    numbers: (prefix) => [...numbers].filter(([key]) => key.startsWith(prefix)),
    affinities: (horizon) => affinity[horizon],
    affinityTotal: (horizon, dimension) => totals.get(horizon + dimension) ?? 0,
    ages,
  };
}
