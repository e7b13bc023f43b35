/**
 * A model's policy replayed on a logged decision: each candidate's logit from
 * the record's decision-time features (`f`, `cf`), plus the visitor's own
 * learned term and the spread of its Thompson draw as the record carries them,
 * and the probability that the policy (`choose` in src/core/decide.ts:
 * Thompson draws `mean + noise·z/√(1+n)`, argmax) picks each candidate.
 *
 * The trainer and the off-policy evaluation use it to ask "what would model M
 * have done here, and how likely?", for the live model and a candidate alike.
 */
import type { DecisionRecord } from '../../src/core/decision-record.js';
import { type CandidateModel, type Model, logit, slotCandidates } from '../../src/core/model.js';
import { LEARN_MEAN, LEARN_SD } from '../../src/core/decision-log.js';
import { choiceProbabilities as coreChoiceProbabilities } from '../../src/core/propensity.js';

/** The id of a slot's own content (as `DEFAULT_VARIANT` in src/core/decide.ts). */
export const DEFAULT_ID = 'default';

/**
 * Names under which a record's `cf[candidate]` carries the visitor's learned
 * term and its draw spread (src/core/decision-log.ts). They are not model
 * features: the replay adds them outside the weights.
 */
export { LEARN_MEAN, LEARN_SD };

/** True for `cf` entries that are the on-device learning term, not model features. */
export function isLearnKey(name: string): boolean {
  return name.startsWith('learn.');
}

/** One candidate's replayed score. */
export interface ReplayedCandidate {
  id: string;
  /** The model's logit without the learned term. */
  logit: number;
  /** Logit plus the learned term: the mean of the Thompson draw. */
  mean: number;
  /** Standard deviation of the draw (0: no exploration). */
  sd: number;
}

/** The model's entry for a candidate of a slot (`offer` reads the offers), if it declares one. */
export function candidateEntry(model: Model, slot: string, id: string): CandidateModel | undefined {
  const list = slot === 'offer' ? model.offers : slotCandidates(model, slot);
  return list?.find((c) => c.id === id);
}

/** The candidate's own model features from the record (learned terms left out). */
export function ownFeatures(record: DecisionRecord, id: string): Record<string, number> {
  const raw = record.cf[id];
  const out: Record<string, number> = {};
  if (!raw) return out;
  for (const name of Object.keys(raw)) if (!isLearnKey(name)) out[name] = raw[name] as number;
  return out;
}

/**
 * Scores every candidate of a record under `model`. The draw spread is taken
 * from the record when it carries one, rescaled to the model's noise (the
 * record's spread is `noise·/√(1+n)` under the deciding model's noise `loggedNoise`).
 */
export function replay(model: Model, record: DecisionRecord, loggedNoise = model.explore.noise): ReplayedCandidate[] {
  // The record lists every candidate that competed (the default included when it did).
  return record.candidates.map((id) => {
    const learn = record.cf[id] ?? {};
    const z = logit(model, candidateEntry(model, record.slot, id) ?? { id, tags: [] }, record.f, ownFeatures(record, id));
    const mean = z + (learn[LEARN_MEAN] ?? 0);
    // No spread logged: no exploration in that decision (the visitor had no feedback in the slot yet).
    const loggedSd = learn[LEARN_SD] ?? 0;
    const sd = loggedNoise > 0 ? (loggedSd * model.explore.noise) / loggedNoise : 0;
    return { id, logit: z, mean, sd };
  });
}

/**
 * The probability that the argmax of independent draws `N(mean_i, sd_i²)` is
 * each candidate, earlier ones winning exact ties: the client's own
 * computation (src/core/propensity.ts), so logged and replayed propensities agree.
 */
export function choiceProbabilities(candidates: readonly Pick<ReplayedCandidate, 'mean' | 'sd'>[]): number[] {
  return coreChoiceProbabilities(candidates);
}

/** The probability that `model` chooses each candidate of `record`, by id. */
export function policyProbabilities(model: Model, record: DecisionRecord, loggedNoise?: number): Map<string, number> {
  const scored = replay(model, record, loggedNoise);
  const probs = choiceProbabilities(scored);
  return new Map(scored.map((c, i) => [c.id, probs[i] as number]));
}
