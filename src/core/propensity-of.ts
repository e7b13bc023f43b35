/**
 * A decision's propensity: the chance the policy had of choosing what it
 * chose, and the exploration share (the chance exploration had of showing
 * something other than the best-scored variant), from what the decision
 * recorded (`Decision.inputs`). Holdout and preview decisions are not policy
 * choices: their probability is 1.
 */
import type { Decision } from './decide.js';
import { bestMean, choiceProbability } from './propensity.js';

/** A decision's propensity and exploration share. */
export interface DecisionPropensity {
  /** Probability, in [0, 1], that the policy chooses `decision.variant` from these candidates for these inputs. */
  p: number;
  /** The variant with the best modelled score (what is shown without exploration). */
  best: string;
  /** 1 − the best-scored variant's probability: how often exploration shows something else here. */
  exploration: number;
}

/** The propensity of a decision (see {@link DecisionPropensity}); cost measured in docs/model.md. */
export function propensityOf({ inputs: { competed }, group, variant }: Pick<Decision, 'inputs' | 'group' | 'variant'>): DecisionPropensity {
  if (group !== 'personalized' || competed.length < 2) return { p: 1, best: variant, exploration: 0 };
  // Each competitor is the arm it drew from (its mean and spread).
  const top = bestMean(competed);
  const pBest = choiceProbability(competed, top);
  // Markup may repeat a variant id: the variant's probability is that of all its entries.
  let p = 0;
  competed.forEach((c, i) => {
    // The same integral as the best's when exploration did not change the choice.
    if (c.id === variant) p += i === top ? pBest : choiceProbability(competed, i);
  });
  return { p, best: (competed[top] as { id: string }).id, exploration: Math.max(0, 1 - pBest) };
}
