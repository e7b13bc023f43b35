/**
 * TEMPORARY bridge until `decideSlot` takes a snapshot (branch `snapshot`):
 * a profile view over a decision snapshot, so today's decision code reads
 * the snapshot's precomputed shares. Each label's value is its frequency and
 * its dimension's total is frequency ÷ share, which gives back both numbers
 * the features read (exact unless a frequency was capped at 1).
 */
import type { DecisionSnapshot } from '../core/snapshot.js';
import { EVENTS_LABEL } from '../core/profile.js';
import type { ProfileView } from '../core/view.js';

/** A {@link ProfileView} at `now` answering from `snapshot`. */
export function snapshotView(snapshot: DecisionSnapshot, now: number): ProfileView {
  const maps = { l: new Map<string, number>(), s: new Map<string, number>(), r: new Map<string, number>() };
  const totals = new Map<string, number>();
  for (const horizon of ['l', 's', 'r'] as const) {
    maps[horizon].set(EVENTS_LABEL, 1);
    for (const [label, [share, frequency]] of Object.entries(snapshot.a[horizon])) {
      maps[horizon].set(label, frequency);
      if (share) totals.set(horizon + label.slice(0, label.indexOf(':')), frequency / share);
    }
  }
  const entries = <T>(record: Record<string, T>, prefix: string): Array<[string, T]> => Object.entries(record).filter(([key]) => key.startsWith(prefix));
  return {
    now,
    number: (key) => snapshot.n[key],
    register: (key) => snapshot.r[key],
    registers: (prefix) => entries(snapshot.r, prefix),
    numbers: (prefix) => entries(snapshot.n, prefix),
    affinities: (horizon) => maps[horizon],
    affinityTotal: (horizon, dimension) => totals.get(horizon + dimension) ?? 0,
    ages: new Map(Object.entries(snapshot.ages)),
  };
}
