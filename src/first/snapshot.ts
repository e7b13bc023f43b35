/**
 * The stored decision snapshot as the first file takes it: checked for its
 * version and shape, or an empty one (a new visitor's) when it is missing or
 * not one this SDK wrote.
 */
import { type DecisionSnapshot, SNAPSHOT_VERSION } from '../core/snapshot.js';

const isRecord = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

/** A new visitor's snapshot, made at `now`. */
export const emptySnapshot = (now: number): DecisionSnapshot => ({ v: SNAPSHOT_VERSION, at: now, n: {}, r: {}, a: { l: {}, s: {}, r: {} }, ages: {} });

/** `stored` when it is a snapshot of this version, else a new visitor's. */
export function storedSnapshot(stored: unknown, now: number): DecisionSnapshot {
  const s = stored as DecisionSnapshot;
  const ok = isRecord(s) && s.v === SNAPSHOT_VERSION && typeof s.at === 'number' && isRecord(s.n) && isRecord(s.r) && isRecord(s.ages) &&
    isRecord(s.a) && isRecord(s.a.l) && isRecord(s.a.s) && isRecord(s.a.r);
  return ok ? s : emptySnapshot(now);
}
