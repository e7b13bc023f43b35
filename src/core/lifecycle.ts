/**
 * Lifecycle stage: where a visitor stands in their relationship with the
 * site, derived from their decision snapshot and the decision time alone.
 */
import { type DecisionSnapshot, registerNumber, snapshotNumber } from './snapshot.js';

/** Stages in the order they are checked. */
export type LifecycleStage = 'lapsed' | 'loyal' | 'customer' | 'engaged' | 'new';

/** A visitor who returns after this long without a visit is `lapsed` for that session. */
export const LAPSED_AFTER_MS = 60 * 86_400_000;

/**
 * - `lapsed`: came back after 60+ days away (or has been away that long at `now`);
 * - `loyal`: 3+ purchases; `customer`: at least one;
 * - `engaged`: 3+ sessions or 10+ item views without buying;
 * - `new`: everyone else.
 */
export function lifecycleStage(snapshot: DecisionSnapshot, now: number): LifecycleStage {
  const last = registerNumber(snapshot, 't.last');
  if ((registerNumber(snapshot, 's.gap') ?? 0) >= LAPSED_AFTER_MS || (last !== undefined && now - last >= LAPSED_AFTER_MS)) return 'lapsed';
  const purchases = snapshotNumber(snapshot, 'n.purchase') ?? 0;
  if (purchases >= 3) return 'loyal';
  if (purchases) return 'customer';
  return (snapshotNumber(snapshot, 's.count') ?? 0) >= 3 || (snapshotNumber(snapshot, 'n.view_item') ?? 0) >= 10 ? 'engaged' : 'new';
}
