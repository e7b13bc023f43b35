/**
 * The stored decision snapshot as the first file takes it: checked for its
 * version and shape, or an empty one (a new visitor's) when it is missing or
 * not one this SDK wrote.
 */
import { type DecisionSnapshot, SNAPSHOT_VERSION, isSnapshot } from '../core/snapshot.js';

/** A new visitor's snapshot, made at `now`. */
export const emptySnapshot = (now: number): DecisionSnapshot => ({ v: SNAPSHOT_VERSION, at: now, n: {}, r: {}, a: { l: {}, s: {}, r: {} }, ages: {} });

/** `stored` when it is a well-formed snapshot of this version (see {@link isSnapshot}), else a new visitor's. */
export function storedSnapshot(stored: unknown, now: number): DecisionSnapshot {
  return isSnapshot(stored) ? stored : emptySnapshot(now);
}
