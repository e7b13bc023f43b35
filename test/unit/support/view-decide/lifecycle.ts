/**
 * Lifecycle stage: where a visitor stands in their relationship with the
 * site, derived from the profile alone.
 */
import type { ProfileView } from '../../../../src/core/view.js';

/** A numeric register's value (timestamps, gaps), or `undefined`. */
export function registerNumber(view: ProfileView, key: string): number | undefined {
  const value = view.register(key);
  return typeof value === 'number' ? value : undefined;
}

/** Stages in the order they are checked. */
export type LifecycleStage = 'lapsed' | 'loyal' | 'customer' | 'engaged' | 'new';

/** A visitor who returns after this long without a visit is `lapsed` for that session. */
export const LAPSED_AFTER_MS = 60 * 86_400_000;

/**
 * - `lapsed`: came back after 60+ days away (or has been away that long);
 * - `loyal`: 3+ purchases; `customer`: at least one;
 * - `engaged`: 3+ sessions or 10+ item views without buying;
 * - `new`: everyone else.
 */
export function lifecycleStage(view: ProfileView): LifecycleStage {
  const last = registerNumber(view, 't.last');
  if ((registerNumber(view, 's.gap') ?? 0) >= LAPSED_AFTER_MS || (last !== undefined && view.now - last >= LAPSED_AFTER_MS)) return 'lapsed';
  const purchases = view.number('n.purchase') ?? 0;
  if (purchases >= 3) return 'loyal';
  if (purchases) return 'customer';
  return (view.number('s.count') ?? 0) >= 3 || (view.number('n.view_item') ?? 0) >= 10 ? 'engaged' : 'new';
}
