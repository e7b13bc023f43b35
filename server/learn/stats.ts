/**
 * Small statistics the trainer, the off-policy evaluation and the uplift
 * report share: normal quantiles, running means and variances, and the
 * always-valid confidence sequence of a mixture sequential probability ratio
 * test (Johari, Pekelis, Walsh: "Always valid inference", the method of
 * Optimizely's Stats Engine).
 */

/** A two-sided interval around an estimate. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** Standard normal cumulative distribution (Abramowitz–Stegun 7.1.26 via erf, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9 after one Newton step). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p <= 0 ? -Infinity : Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  // One Newton step on the CDF polishes the approximation.
  const e = normalCdf(x) - p;
  return x - e / normalPdf(x);
}

/** Mean and (unbiased) variance of a list of numbers. */
export function meanVar(values: readonly number[]): { n: number; mean: number; variance: number } {
  const n = values.length;
  if (n === 0) return { n, mean: 0, variance: 0 };
  let mean = 0;
  let m2 = 0;
  values.forEach((x, i) => {
    const delta = x - mean;
    mean += delta / (i + 1);
    m2 += delta * (x - mean);
  });
  return { n, mean, variance: n > 1 ? m2 / (n - 1) : 0 };
}

/** A fixed-sample interval estimate ± z·se at level `1 − alpha`. */
export function normalInterval(estimate: number, se: number, alpha = 0.05): Interval {
  const z = normalQuantile(1 - alpha / 2);
  return { estimate, low: estimate - z * se, high: estimate + z * se };
}

/**
 * Half-width of the mixture-SPRT confidence sequence for a difference of
 * means whose estimate has variance `v` (e.g. σ₁²/n₁ + σ₂²/n₂), with a normal
 * mixing distribution of variance `tau2` over the true difference:
 * `sqrt( v·(v+τ²)/τ² · ( ln((v+τ²)/v) − 2·ln α ) )`.
 *
 * Why it is always valid: the mixture likelihood ratio
 * `Λ = sqrt(v/(v+τ²)) · exp( τ²·(d−θ)² / (2v(v+τ²)) )` is a nonnegative
 * martingale under the true difference θ with mean 1, so by Ville's
 * inequality P(∃n: Λₙ ≥ 1/α) ≤ α; solving `Λ < 1/α` for θ gives the formula.
 */
export function msprtHalfWidth(v: number, tau2: number, alpha = 0.05): number {
  if (!(v > 0)) return v === 0 ? 0 : Infinity;
  return Math.sqrt(((v * (v + tau2)) / tau2) * (Math.log((v + tau2) / v) - 2 * Math.log(alpha)));
}

/** The always-valid interval for a difference estimate `d` with variance `v`. */
export function alwaysValidInterval(d: number, v: number, tau2: number, alpha = 0.05): Interval {
  const h = msprtHalfWidth(v, tau2, alpha);
  return { estimate: d, low: d - h, high: d + h };
}

/**
 * How many more units (per arm, in proportion to the current allocation) the
 * confidence sequence needs before its half-width drops below |d|, i.e. before
 * an effect of the observed size would be resolved; 0 when it already is,
 * `Infinity` when the effect is 0. `v1` is the variance of the estimate with
 * `n` units so far (variance shrinks as 1/n).
 */
export function sampleToResolve(d: number, v1: number, n: number, tau2: number, alpha = 0.05): number {
  const target = Math.abs(d);
  if (!(target > 0) || !(v1 > 0) || n <= 0) return target > 0 && v1 === 0 ? 0 : Infinity;
  if (msprtHalfWidth(v1, tau2, alpha) < target) return 0;
  // Half-width decreases in the total N (variance v1·n/N); double then bisect.
  const width = (total: number): number => msprtHalfWidth((v1 * n) / total, tau2, alpha);
  let hi = n * 2;
  while (width(hi) >= target) {
    hi *= 2;
    if (hi > 1e15) return Infinity;
  }
  let lo = n;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (width(mid) < target) hi = mid;
    else lo = mid;
  }
  return hi - n;
}
