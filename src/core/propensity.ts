/**
 * The probability that the policy of `choose` (src/core/decide.ts) picks each
 * candidate: every eligible candidate draws `mean + sd·z` with an independent
 * standard normal z (`sd` = `explore.noise`/√(1+n), 0 when exploration is off
 * or the visitor has no feedback in the slot yet), and the highest draw wins,
 * earlier candidates winning exact ties (the default competes first).
 *
 * With independent normal draws the probability is an integral,
 *
 *   P(i) = ∫ φ_i(x) · Π_{j≠i} Φ_j(x) dx,
 *
 * computed here by the trapezoid rule in the standardized variable of
 * candidate i, over t ∈ [−8, 8] cut to where some other candidate's draw
 * cannot be almost surely higher. Candidates without spread (sd 0) are
 * point masses: their probability is Π Φ_j(μ_i) over the spread ones, and
 * they bound the integrals of the others from below.
 *
 * Error bound (docs/model.md, test/unit/propensity.test.ts): the normal CDF
 * comes from a Chebyshev erfc with fractional error below 1.2·10⁻⁷, the
 * trapezoid step is half the narrowest competing spread (in i's units, at
 * most 0.5), which for these smooth, Gaussian-tailed integrands converges
 * exponentially (largest quadrature error measured over 400 random slots of
 * 2–9 candidates against a 40,000-point grid: 1.0·10⁻⁸), and the cut tails
 * hold less than 10⁻¹⁴. So for K candidates
 * |p̂ − p| ≤ {@link propensityError}(K) = 10⁻⁷ + K·1.2·10⁻⁷ (under 7·10⁻⁶
 * for 50 candidates); the unit tests check it against a 16× finer grid and
 * against 100,000 seeded Monte Carlo draws.
 */

/** One competing candidate: the mean of its draw (logit + learned term) and its spread. */
export interface Arm {
  /** Logit plus the on-device learned mean. */
  mean: number;
  /** Standard deviation of the exploration draw (0: no exploration). */
  sd: number;
}

/** Half-width of the integration range in standard deviations (tail mass 1.2·10⁻¹⁵ per side). */
const RANGE = 8;
/**
 * Trapezoid step in units of the narrowest competing spread (relative to the
 * integrated candidate's): the rule converges exponentially for these smooth,
 * Gaussian-tailed integrands; at half a spread it errs by about 10⁻⁸ at most
 * (see above), well inside {@link propensityError}.
 */
const STEP = 0.5;
/** Simpson step, in standard deviations of the integrated candidate, where a point mass cuts the range. */
const CUT_STEP = 0.02;
/** Most trapezoid points per integral, so a pathological spread ratio cannot make a decision slow. */
const MAX_POINTS = 4096;

/** The stated bound on |computed − exact| probability for `k` candidates. */
export function propensityError(k: number): number {
  return 1e-7 + k * 1.2e-7;
}

/**
 * erfc(x) for x ≥ 0 (Numerical Recipes' `erfcc`, a Chebyshev fit), fractional error < 1.2·10⁻⁷ everywhere.
 */
function erfcPositive(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  return t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
}

/** The standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  const e = 0.5 * erfcPositive(Math.abs(z) / Math.SQRT2);
  return z < 0 ? e : 1 - e;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Index of the arm with the highest mean, the earliest on ties (what `choose` does without exploration). */
export function bestMean(arms: readonly Arm[]): number {
  let best = 0;
  for (let i = 1; i < arms.length; i++) if ((arms[i] as Arm).mean > (arms[best] as Arm).mean) best = i;
  return best;
}

/** Probability that arm `index` wins. */
export function choiceProbability(arms: readonly Arm[], index: number): number {
  const me = arms[index];
  if (!me) return 0;
  const { mean, sd } = me;
  if (!arms.some((a) => a.sd > 0)) return bestMean(arms) === index ? 1 : 0;
  if (sd <= 0) {
    // A point mass: it must beat the other point masses (earlier arms win ties, later arms need more) and the spread draws.
    let p = 1;
    let beaten = false;
    arms.forEach((a, j) => {
      if (j === index) return;
      if (a.sd > 0) p *= normalCdf((mean - a.mean) / a.sd);
      else if (j < index ? a.mean >= mean : a.mean > mean) beaten = true;
    });
    return beaten ? 0 : p;
  }
  // Below `floor` some other draw is almost surely higher (or a point mass is): nothing to integrate there.
  let floor = -Infinity;
  let pointFloor = -Infinity;
  arms.forEach((a, j) => {
    if (j === index) return;
    floor = Math.max(floor, a.sd > 0 ? a.mean - RANGE * a.sd : a.mean);
    if (a.sd <= 0) pointFloor = Math.max(pointFloor, a.mean);
  });
  const lo = Math.max(-RANGE, (floor - mean) / sd);
  if (lo >= RANGE) return 0;
  // The competitors whose CDF is not ≈1 over [lo, RANGE], and the narrowest spread among them, in i's units.
  const rivals = arms.filter((a, j) => j !== index && !(a.sd <= 0 || (mean + sd * lo - a.mean) / a.sd > RANGE));
  const narrowest = rivals.reduce((n, a) => Math.min(n, a.sd / sd), 1);
  // A point mass that cuts the range leaves the integrand far from 0 at its lower end, where the
  // trapezoid rule loses its exponential convergence (it erred by 3·10⁻³): there, Simpson's rule on
  // a step of CUT_STEP standard deviations (error O(h⁴), below 10⁻⁸ for these integrands).
  const cut = pointFloor === floor && lo > -RANGE;
  const step = cut ? Math.min(CUT_STEP, STEP * narrowest) : STEP * narrowest;
  let points = Math.min(MAX_POINTS, Math.ceil((RANGE - lo) / step) + 1);
  if (cut && points % 2 === 0) points += 1;
  const h = (RANGE - lo) / (points - 1);
  let sum = 0;
  for (let k = 0; k < points; k++) {
    const t = lo + k * h;
    const x = mean + sd * t;
    let f = Math.exp(-0.5 * t * t) * INV_SQRT_2PI;
    for (const a of rivals) if (f > 0) f *= normalCdf((x - a.mean) / a.sd);
    const end = k === 0 || k === points - 1;
    sum += cut ? (end ? f : k % 2 ? 4 * f : 2 * f) : end ? f / 2 : f;
  }
  return Math.min(1, cut ? (sum * h) / 3 : sum * h);
}

/** Probability that each arm wins, in order. */
export function choiceProbabilities(arms: readonly Arm[]): number[] {
  return arms.map((_, i) => choiceProbability(arms, i));
}
