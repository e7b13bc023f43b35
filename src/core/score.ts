/**
 * A candidate's logistic score: the model's weights (global plus the
 * candidate's own) applied to the visitor's features and the candidate's.
 */
import type { Features } from './feature-vector.js';
import { hasOwn } from './field.js';
import { type MemoCache, memo } from './memo.js';
import type { CandidateModel, Model } from './model-shape.js';

/** Combined weights already built, keyed by the candidate's weights object (shared by markup copies of a declared entry). */
const compiled: MemoCache<Record<string, number>, Map<string, number>> = new WeakMap();

/** Global plus the candidate's own weight per feature name, built once per model and candidate. */
export function weightsOf(model: Model, candidate: CandidateModel | undefined): Map<string, number> {
  const own = candidate?.weights;
  return memo(compiled, own ?? model.weights, [model], () => {
    const map = new Map(Object.entries(model.weights));
    if (own) for (const name of Object.keys(own)) map.set(name, (map.get(name) ?? 0) + (own[name] as number));
    return map;
  });
}

/** The weight a candidate gives a feature: global plus its own adjustment. */
export function weightOf(model: Model, candidate: CandidateModel | undefined, name: string): number {
  return weightsOf(model, candidate).get(name) ?? 0;
}

/** Named feature values as a list, so a hot loop reads them without enumerating object keys. */
export type FeatureList = ReadonlyArray<readonly [string, number]>;

/**
 * A candidate's logit: `bias + candidate bias + Σ weight × value` over the
 * visitor's features and the candidate's own. Hot path: no allocation once
 * the candidate's weights are built; pass lists from `Object.entries` to reuse them across candidates.
 */
export function logit(model: Model, candidate: CandidateModel | undefined, visitor: Features | FeatureList, own: Features | FeatureList): number {
  const w = weightsOf(model, candidate);
  return model.bias + (candidate?.bias ?? 0) + weighted(w, visitor) + weighted(w, own);
}

function weighted(w: Map<string, number>, features: Features | FeatureList): number {
  let z = 0;
  if (Array.isArray(features)) for (const [name, x] of features) z += (w.get(name) ?? 0) * x;
  // Own keys read in place: Object.entries allocated 8 arrays per candidate, and the garbage set the p99 of decide().
  else for (const name in features) if (hasOwn(features, name)) z += (w.get(name) ?? 0) * ((features as Features)[name] as number);
  return z;
}

/** The logistic function. */
export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
