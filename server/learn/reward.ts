/**
 * What counts as success for a logged decision. The trainer and the
 * off-policy evaluation optimize and estimate the click rate by default
 * (clicks on the chosen variant per decision: frequent, so it learns fast);
 * `conversion` counts a purchase or conversion credited to the decision.
 * The uplift report measures conversions and revenue per visitor.
 */
import type { OutcomeRecord } from '../../src/core/decision-record.js';

/** The outcome a model is trained and evaluated on. */
export type RewardKind = 'click' | 'conversion';

/** True when an outcome is a conversion (a purchase or a site-defined conversion). */
export function isConversion(outcome: OutcomeRecord): boolean {
  return outcome.k === 'purchase' || outcome.k === 'conversion';
}

/** 1 when the decision's outcomes include the rewarded kind, else 0. */
export function reward(outcomes: readonly OutcomeRecord[], kind: RewardKind): number {
  return outcomes.some((o) => (kind === 'click' ? o.k === 'click' : isConversion(o))) ? 1 : 0;
}
