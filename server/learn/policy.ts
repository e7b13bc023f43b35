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
import { normalCdf } from './stats.js';

/** The id of a slot's own content (as `DEFAULT_VARIANT` in src/core/decide.ts). */
export const DEFAULT_ID = 'default';

/**
 * Names under which a record's `cf[candidate]` carries the visitor's learned
 * term and its draw spread (written by the client's record builder). They are
 * not model features: the replay adds them outside the weights.
 */
export const LEARN_MEAN = 'learn.mean';
export const LEARN_SD = 'learn.sd';

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
    const loggedSd = learn[LEARN_SD];
    const sd = loggedSd === undefined ? model.explore.noise : loggedNoise > 0 ? (loggedSd * model.explore.noise) / loggedNoise : model.explore.noise;
    return { id, logit: z, mean, sd };
  });
}

/** Gauss–Hermite-free quadrature grid over a standard normal: a midpoint rule on [−8, 8]. */
const GRID = 96;
const STEP = 16 / GRID;
const NODES = Array.from({ length: GRID }, (_, i) => -8 + (i + 0.5) * STEP);
const WEIGHTS = NODES.map((z) => (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)) * STEP);

/**
 * The probability that the argmax of independent draws `N(mean_i, sd_i²)`
 * is each candidate (ties, which have probability 0 unless a spread is 0, go
 * to the earlier one as in `choose`). Exact up to quadrature error (< 1e-6).
 */
export function choiceProbabilities(candidates: readonly Pick<ReplayedCandidate, 'mean' | 'sd'>[]): number[] {
  const k = candidates.length;
  if (k === 0) return [];
  if (k === 1) return [1];
  if (candidates.every((c) => c.sd === 0)) {
    let best = 0;
    candidates.forEach((c, i) => {
      if (c.mean > (candidates[best] as { mean: number }).mean) best = i;
    });
    return candidates.map((_, i) => (i === best ? 1 : 0));
  }
  const out = candidates.map((ci, i) => {
    // Far behind another candidate: never the argmax (saves the integral).
    if (candidates.some((cj, j) => j !== i && cj.mean - ci.mean > 9 * (ci.sd + cj.sd))) return 0;
    if (ci.sd === 0) {
      let p = 1;
      candidates.forEach((cj, j) => {
        if (j === i) return;
        p *= cj.sd === 0 ? (cj.mean < ci.mean || (cj.mean === ci.mean && j > i) ? 1 : 0) : normalCdf((ci.mean - cj.mean) / cj.sd);
      });
      return p;
    }
    let p = 0;
    for (let g = 0; g < GRID; g++) {
      const x = ci.mean + ci.sd * (NODES[g] as number);
      let q = WEIGHTS[g] as number;
      for (let j = 0; j < k && q > 0; j++) {
        if (j === i) continue;
        const cj = candidates[j] as { mean: number; sd: number };
        q *= cj.sd === 0 ? (cj.mean < x || (cj.mean === x && j > i) ? 1 : 0) : normalCdf((x - cj.mean) / cj.sd);
      }
      p += q;
    }
    return p;
  });
  const total = out.reduce((a, b) => a + b, 0);
  return total > 0 ? out.map((p) => p / total) : out;
}

/** The probability that `model` chooses each candidate of `record`, by id. */
export function policyProbabilities(model: Model, record: DecisionRecord, loggedNoise?: number): Map<string, number> {
  const scored = replay(model, record, loggedNoise);
  const probs = choiceProbabilities(scored);
  return new Map(scored.map((c, i) => [c.id, probs[i] as number]));
}
