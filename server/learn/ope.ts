/**
 * Off-policy evaluation: what click (or conversion) rate per decision would a
 * model have had on logged decisions it did not make? Estimated from the
 * logged propensities with inverse propensity scoring (IPS), self-normalized
 * IPS (SNIPS) and doubly robust (DR) estimators, each with a 95 % interval;
 * and the paired difference of two models on the same decisions, which is
 * what the promotion rule reads.
 *
 * Intervals are normal approximations with a cluster-robust variance (one
 * cluster per device), since one visitor's decisions are not independent.
 */
import type { Model } from '../../src/core/model.js';
import type { LoggedDecision } from '../store/decision-log-store.js';
import { policyProbabilities, replay } from './policy.js';
import { type RewardKind, reward } from './reward.js';
import { type Interval, normalQuantile } from './stats.js';

/** Estimates of one model's value. */
export interface PolicyValue {
  ips: Interval;
  snips: Interval;
  dr: Interval;
  /** Mean importance weight π/p (≈ 1 when the logs cover the model's choices). */
  meanWeight: number;
  /** Share of decisions where the model would most likely choose what was logged. */
  agreement: number;
}

/** A candidate model against the live one on the same held-back decisions. */
export interface Evaluation {
  reward: RewardKind;
  decisions: number;
  devices: number;
  /** The logged policy's own rate on these decisions (on-policy). */
  logged: Interval;
  candidate: PolicyValue;
  live: PolicyValue;
  /** Candidate minus live, doubly robust, paired per decision. */
  difference: Interval;
  /** The promotion rule's verdict: `difference.low > 0`. */
  better: boolean;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Per-decision terms of each estimator for one target model. */
interface Terms {
  ips: number[];
  snipsNum: number[];
  weight: number[];
  dr: number[];
  agree: number;
}

function termsOf(target: Model, rewardModel: Model, decisions: readonly LoggedDecision[], kind: RewardKind, loggedNoise: number): Terms {
  const out: Terms = { ips: [], snipsNum: [], weight: [], dr: [], agree: 0 };
  for (const d of decisions) {
    const pi = policyProbabilities(target, d, loggedNoise);
    const q = new Map(replay(rewardModel, d, loggedNoise).map((c) => [c.id, sigmoid(c.mean)]));
    const r = reward(d.outcomes, kind);
    const w = (pi.get(d.variant) ?? 0) / d.p;
    let direct = 0;
    let top = '';
    let topP = -1;
    pi.forEach((p, id) => {
      direct += p * (q.get(id) ?? 0);
      if (p > topP) [top, topP] = [id, p];
    });
    if (top === d.variant) out.agree++;
    out.ips.push(w * r);
    out.snipsNum.push(w * r);
    out.weight.push(w);
    out.dr.push(direct + w * (r - (q.get(d.variant) ?? 0)));
  }
  return out;
}

/** Cluster-robust variance of a mean of per-decision terms (clusters: devices). */
function clusteredMean(values: readonly number[], clusters: readonly string[], alpha: number): Interval {
  const n = values.length;
  if (n === 0) return { estimate: 0, low: -Infinity, high: Infinity };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sums = new Map<string, number>();
  values.forEach((x, i) => sums.set(clusters[i] as string, (sums.get(clusters[i] as string) ?? 0) + (x - mean)));
  let v = 0;
  sums.forEach((s) => (v += s * s));
  const g = sums.size;
  const variance = g > 1 ? ((g / (g - 1)) * v) / (n * n) : Infinity;
  const z = normalQuantile(1 - alpha / 2);
  const half = z * Math.sqrt(variance);
  return { estimate: mean, low: mean - half, high: mean + half };
}

/** SNIPS Σwr/Σw with its delta-method, cluster-robust interval. */
function snips(num: readonly number[], weight: readonly number[], clusters: readonly string[], alpha: number): Interval {
  const sw = weight.reduce((a, b) => a + b, 0);
  if (!(sw > 0)) return { estimate: 0, low: -Infinity, high: Infinity };
  const value = num.reduce((a, b) => a + b, 0) / sw;
  const n = num.length;
  const meanW = sw / n;
  // Linearization: (wᵢrᵢ − V·wᵢ) / mean(w).
  const lin = num.map((x, i) => (x - value * (weight[i] as number)) / meanW);
  const centered = clusteredMean(lin, clusters, alpha);
  const half = (centered.high - centered.low) / 2;
  return { estimate: value, low: value - half, high: value + half };
}

function valueOf(terms: Terms, clusters: readonly string[], alpha: number): PolicyValue {
  const n = terms.ips.length;
  return {
    ips: clusteredMean(terms.ips, clusters, alpha),
    snips: snips(terms.snipsNum, terms.weight, clusters, alpha),
    dr: clusteredMean(terms.dr, clusters, alpha),
    meanWeight: n ? terms.weight.reduce((a, b) => a + b, 0) / n : 0,
    agreement: n ? terms.agree / n : 0,
  };
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  reward: RewardKind;
  /** 1 − confidence (0.05: 95 % intervals). */
  alpha: number;
  /** Exploration noise of the model that made the logged decisions (to rescale the logged draw spreads). */
  loggedNoise?: number;
}

/**
 * Compares `candidate` with `live` on held-back personalized decisions. The
 * reward model of the doubly robust estimator is the candidate (trained on
 * other devices' decisions), used for both so the difference is paired.
 */
export function evaluate(candidate: Model, live: Model, heldBack: readonly LoggedDecision[], options: EvaluateOptions): Evaluation {
  const decisions = heldBack.filter((d) => d.group === 'personalized' && d.p > 0 && d.candidates.includes(d.variant));
  const clusters = decisions.map((d) => d.device);
  const noise = options.loggedNoise ?? live.explore.noise;
  const c = termsOf(candidate, candidate, decisions, options.reward, noise);
  const l = termsOf(live, candidate, decisions, options.reward, noise);
  const difference = clusteredMean(c.dr.map((x, i) => x - (l.dr[i] as number)), clusters, options.alpha);
  return {
    reward: options.reward,
    decisions: decisions.length,
    devices: new Set(clusters).size,
    logged: clusteredMean(decisions.map((d) => reward(d.outcomes, options.reward)), clusters, options.alpha),
    candidate: valueOf(c, clusters, options.alpha),
    live: valueOf(l, clusters, options.alpha),
    difference,
    better: difference.low > 0,
  };
}
