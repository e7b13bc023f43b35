/**
 * Weighted logistic regression with an L2 pull toward a prior parameter
 * vector (the live model), fitted by mini-batch Adam in a seeded order, so
 * the same data gives the same model.
 *
 * Objective: Σ wᵢ·logloss(yᵢ, σ(offsetᵢ + θ·xᵢ)) + ½ Σⱼ λⱼ (θⱼ − θ⁰ⱼ)².
 */
import type { Row } from './design.js';
import { prng } from '../../src/core/random.js';

/** Fitting settings. */
export interface FitOptions {
  /** Passes over the data. */
  epochs: number;
  /** Rows per Adam step. */
  batch: number;
  /** Adam step size. */
  rate: number;
  /** Seed of the row order. */
  seed: number;
  /** Fewest Adam steps: small logs get more passes, so they converge too. */
  minSteps: number;
}

/** Defaults measured on the simulator (bench/loop): converged within 1e-3 in logit. */
export const DEFAULT_FIT: FitOptions = { epochs: 3, batch: 512, rate: 0.05, seed: 1, minSteps: 600 };

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));


/**
 * Fits θ. `weights[i]` is row i's weight (0 leaves it out), `prior` the vector
 * pulled toward and the start, `lambda` the pull per parameter in units of
 * decision weight.
 */
export function fitLogistic(rows: readonly Row[], weights: Float64Array, prior: Float64Array, lambda: Float64Array, options: FitOptions = DEFAULT_FIT): Float64Array {
  const dim = prior.length;
  const theta = Float64Array.from(prior);
  const m = new Float64Array(dim);
  const v = new Float64Array(dim);
  const grad = new Float64Array(dim);
  const order = Int32Array.from(rows.keys()).filter((i) => (weights[i] as number) > 0);
  let total = 0;
  for (const i of order) total += weights[i] as number;
  if (total === 0 || order.length === 0) return theta;
  const random = prng(options.seed);
  const beta1 = 0.9;
  const beta2 = 0.999;
  let step = 0;
  const epochs = Math.max(options.epochs, Math.ceil((options.minSteps * options.batch) / order.length));
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i] as number;
      order[i] = order[j] as number;
      order[j] = t;
    }
    for (let start = 0; start < order.length; start += options.batch) {
      grad.fill(0);
      let batchWeight = 0;
      const end = Math.min(order.length, start + options.batch);
      for (let r = start; r < end; r++) {
        const row = rows[order[r] as number] as Row;
        const w = weights[order[r] as number] as number;
        let z = row.offset;
        for (let k = 0; k < row.index.length; k++) z += (theta[row.index[k] as number] as number) * (row.value[k] as number);
        const e = w * (sigmoid(z) - row.y);
        for (let k = 0; k < row.index.length; k++) {
          const j = row.index[k] as number;
          grad[j] = (grad[j] as number) + e * (row.value[k] as number);
        }
        batchWeight += w;
      }
      // The pull toward the prior, in proportion to this batch's share of the data.
      const share = batchWeight / total;
      step++;
      const lr = (options.rate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
      for (let j = 0; j < dim; j++) {
        const g = ((grad[j] as number) + share * (lambda[j] as number) * ((theta[j] as number) - (prior[j] as number))) / batchWeight;
        m[j] = beta1 * (m[j] as number) + (1 - beta1) * g;
        v[j] = beta2 * (v[j] as number) + (1 - beta2) * g * g;
        theta[j] = (theta[j] as number) - (lr * (m[j] as number)) / (Math.sqrt(v[j] as number) + 1e-8);
      }
    }
  }
  return theta;
}

/** Mean weighted log loss of θ on rows (for reports and tests). */
export function logLoss(rows: readonly Row[], weights: Float64Array, theta: Float64Array): number {
  let loss = 0;
  let total = 0;
  rows.forEach((row, i) => {
    const w = weights[i] as number;
    if (!w) return;
    let z = row.offset;
    for (let k = 0; k < row.index.length; k++) z += (theta[row.index[k] as number] as number) * (row.value[k] as number);
    const p = Math.min(1 - 1e-12, Math.max(1e-12, sigmoid(z)));
    loss -= w * (row.y ? Math.log(p) : Math.log(1 - p));
    total += w;
  });
  return total ? loss / total : 0;
}
