/**
 * Choosing a slot's variant: score every candidate for this visitor and keep
 * the best, or the slot's default when nothing beats it.
 */
import { type Candidate, candidateFeatures } from './features.js';
import { type Contribution, type Model, score } from './model.js';
import type { ProfileView } from './view.js';

/** The id the decision uses for a slot's own default content. */
export const DEFAULT_VARIANT = 'default';

/** Which experience group the visitor is in for this decision. */
export type DecisionGroup = 'personalized' | 'holdout' | 'preview';

/** What was chosen for a slot, and why. */
export interface Decision {
  /** Slot name. */
  slot: string;
  /** Chosen variant id, or {@link DEFAULT_VARIANT}. */
  variant: string;
  /** Modelled probability of a positive outcome for the chosen variant. */
  score: number;
  /** Group of this decision. */
  group: DecisionGroup;
  /** Id of the model that decided. */
  model: string;
  /** Largest feature contributions to the chosen variant's score. */
  explanation: Contribution[];
}

/**
 * Decides one slot. Deterministic for the same inputs.
 * @param candidates - the slot's variants; the default content competes with no tags.
 */
export function decideSlot(slot: string, candidates: readonly Candidate[], view: ProfileView, model: Model): Decision {
  const base = score(model, slot, DEFAULT_VARIANT, {});
  let best: Decision = { slot, variant: DEFAULT_VARIANT, score: base.probability, group: 'personalized', model: model.id, explanation: [] };
  for (const candidate of candidates) {
    const s = score(model, slot, candidate.id, candidateFeatures(view, candidate));
    if (s.probability > best.score) {
      best = { slot, variant: candidate.id, score: s.probability, group: 'personalized', model: model.id, explanation: s.contributions.slice(0, 3) };
    }
  }
  return best;
}
