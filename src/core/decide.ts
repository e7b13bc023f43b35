/**
 * Choosing a slot's variant: eligibility first, then a logistic score per
 * candidate from the visitor's features, adjusted by what this visitor's own
 * feedback taught (with seeded Thompson exploration); the best wins, or the
 * slot's default when nothing beats it. A stable share of visitors is held
 * out on the default so uplift can be measured.
 */
import { learned, slotFeedback } from './bandit.js';
import type { VisitContext } from './context.js';
import { explain } from './explain.js';
import { type Candidate, type CandidateFeatures, type Features, candidateFeatures, sharedVisitorFeatures } from './features.js';
import { type CandidateModel, type Contribution, type Model, slotCandidates } from './model-shape.js';
import { type MemoCache, memo } from './memo.js';
import { unitHash } from './random.js';
import { satisfies } from './rule.js';
import { type FeatureList, logit, sigmoid } from './score.js';
import type { DecisionSnapshot } from './snapshot.js';

/** The id the decision uses for a slot's own default content (and for "no offer"). */
export const DEFAULT_VARIANT = 'default';

/** Which experience group the visitor is in for this decision. */
export type DecisionGroup = 'personalized' | 'holdout' | 'preview';

/** One eligible candidate as it competed in a decision: what the decision log records and the propensity is computed from. */
export interface Competitor {
  /** Variant id. */
  id: string;
  /** Its own candidate features (`match.*`) at decision time (shared by decisions on one snapshot: do not change). */
  own: Features;
  /** Its logit plus the learned mean: the centre of its draw. */
  mean: number;
  /** The on-device learned term alone (part of `mean`). */
  learned: number;
  /** Spread of its exploration draw (0: no exploration in this decision). */
  sd: number;
}

/** What a decision was made from. */
export interface DecisionInputs {
  /** The visitor's features at decision time (shared by the page view's decisions; do not change). */
  features: Features;
  /** The eligible candidates in the order they competed (the default first); at most one entry in holdout and preview. */
  competed: Competitor[];
}

/** What was chosen for a slot, and why. */
export interface Decision {
  /** Slot name. */
  slot: string;
  /** Chosen variant id, or {@link DEFAULT_VARIANT}. */
  variant: string;
  /** Modelled probability of a positive outcome for the chosen variant (before exploration). */
  score: number;
  /** Group of this decision. */
  group: DecisionGroup;
  /** Id of the model that decided. */
  model: string;
  /**
   * Largest contributions to the chosen variant's score, in plain words. When
   * exploration chose the variant, the first entry (feature `explore`) says so.
   */
  explanation: Contribution[];
  /**
   * True when exploration changed the choice: the variant shown is not the one
   * with the best modelled score, it is shown to learn how this visitor
   * responds. `propensityOf` (src/core/propensity-of.ts) gives the chance
   * exploration had of changing it.
   */
  explored: boolean;
  /** What the decision was made from (the decision log's features and propensity inputs). */
  inputs: DecisionInputs;
}

/** Inputs of a decision besides the snapshot and the model. */
export interface DecideOptions {
  /**
   * The decision time (epoch ms); default the snapshot's `at`. Session
   * liveness, recency, lifecycle and checkout intent are computed for it.
   */
  now?: number;
  /** Stable visitor id (user id or device id): seeds the holdout and exploration. */
  visitor?: string;
  /** Varies exploration between page views (the client uses the page-view count); stable within one. */
  seed?: string | number;
  /** The moment's context, for `ctx.*` features. */
  context?: VisitContext;
  /** Forces this variant (group `preview`), for QA. */
  preview?: string;
  /** Precomputed {@link visitorFeatures}, to share them across slots of one page view. */
  features?: Features;
}

/** Visitor features as a list, made once per features object (shared by the slots of a page). */
const listOf = (features: Features): FeatureList => memo(lists, features, [], () => Object.entries(features));

const lists: MemoCache<Features, FeatureList> = new WeakMap();

/** True when this visitor is in the model's holdout share; stable across slots, pages and model versions. */
export function inHoldout(model: Model, visitor: string | undefined): boolean {
  // `<` against `<=` differs only for a hash exactly equal to the share (an equivalent mutant in practice).
  return visitor !== undefined && unitHash('holdout:' + visitor) < model.holdout;
}

/**
 * Picks among model candidates. Deterministic for the same inputs.
 * The default content competes with no tags, under the model's `default` entry if it declares one.
 */
export function choose(slot: string, list: readonly CandidateModel[], snapshot: DecisionSnapshot, model: Model, options: DecideOptions = {}): Decision {
  // The default's tags are never matched (it competes with no tags), so what this list holds changes nothing.
  const base: CandidateModel = list.find((c) => c.id === DEFAULT_VARIANT) ?? { id: DEFAULT_VARIANT, tags: [] };
  const group: DecisionGroup = options.preview ? 'preview' : inHoldout(model, options.visitor) ? 'holdout' : 'personalized';
  const now = options.now ?? snapshot.at;
  const visitor = options.features ?? sharedVisitorFeatures(snapshot, now, options.context, model.segments);
  const feedback = slotFeedback(snapshot, slot);
  // Any constant stands in for a missing visitor or page view: the draw stays reproducible (equivalent mutants).
  const seed = `${options.visitor ?? ''}|${slot}|${options.seed ?? ''}|`;
  const visitorList = listOf(visitor);
  const competed: Competitor[] = [];
  // The winner of the draws, with its match and learned mean (the default's, if nothing competed).
  let best = base;
  let bestDraw = -Infinity;
  let matched: CandidateFeatures = { features: {}, tag: undefined };
  let learnedMean = 0;
  let top = base;
  let topMean = -Infinity;
  // The default competes once, first, as `base` (a declared `default` entry in the list is that base).
  for (const candidate of [base, ...list.filter((c) => c.id !== DEFAULT_VARIANT)]) {
    if (group === 'holdout' && candidate !== base) break;
    if (group === 'preview' && candidate.id !== options.preview) continue;
    if (!satisfies(candidate.eligibility, visitor)) continue;
    const match = candidate === base ? { features: {}, tag: undefined } : candidateFeatures(snapshot, now, candidate, model.links);
    const own = match.features;
    const learn = learned(model, feedback, candidate.id, seed + candidate.id);
    const z = logit(model, candidate, visitorList, own);
    // Without spread the draw is the mean itself, so both choices agree exactly (src/core/propensity.ts).
    const mean = z + learn.mean;
    const draw = z + learn.draw;
    competed.push({ id: candidate.id, own, mean, learned: learn.mean, sd: learn.sd });
    if (mean > topMean) (topMean = mean), (top = candidate);
    if (draw > bestDraw) (bestDraw = draw), (best = candidate), (matched = match), (learnedMean = learn.mean);
  }
  const explanation = explain(model, best, visitor, matched.features, matched.tag, learnedMean);
  const explored = best !== top;
  // Never an explanation the choice contradicts: a variant shown to learn says so first.
  if (explored) explanation.unshift({ feature: 'explore', value: 0, text: `shown to learn what you prefer: the model rates ${top.id} higher` });
  return {
    slot,
    variant: best.id,
    score: sigmoid(logit(model, best, visitor, matched.features) + learnedMean),
    group,
    model: model.id,
    explanation,
    explored,
    inputs: { features: visitor, competed },
  };
}

/**
 * Decides one slot.
 * @param candidates - variants found in markup; they pick up bias, weights and
 *   eligibility from the model's entry with the same id. Without markup
 *   candidates, the model's declared ones are used (for the Preact and JS API).
 */
export function decideSlot(slot: string, candidates: readonly Candidate[], snapshot: DecisionSnapshot, model: Model, options?: DecideOptions): Decision {
  const declared = slotCandidates(model, slot) ?? [];
  // The model's `default` entry tunes the slot's own content whether or not the markup lists it.
  const list = candidates.length
    ? [...declared.filter((d) => d.id === DEFAULT_VARIANT), ...candidates.map((c): CandidateModel => ({ ...declared.find((d) => d.id === c.id), id: c.id, tags: [...c.tags] }))]
    : declared;
  return choose(slot, list, snapshot, model, options);
}
