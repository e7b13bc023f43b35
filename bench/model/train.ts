/**
 * Offline training (Node only, never in the browser bundle): fits a model's
 * global weights, per-candidate priors (biases) and per-candidate weights by
 * logistic regression on (features, outcome) rows, with L2 shrinkage of the
 * per-candidate terms. Plain SGD with a decaying step over shuffled rows.
 */
import type { Features } from '../../src/core/features.js';
import { type CandidateModel, type Model, type TagMatrix, BUILTIN_MODEL, sigmoid } from '../../src/core/model.js';
import { prng } from '../../src/core/random.js';

/** One training example: a candidate shown in a situation, and whether it was a hit. */
export interface Row {
  candidate: number;
  visitor: Features;
  own: Features;
  y: number;
}

/** Training settings. */
export interface TrainOptions {
  epochs: number;
  rate: number;
  /** L2 penalty on per-candidate weights. */
  l2: number;
  seed: number;
}

const DEFAULTS: TrainOptions = { epochs: 4, rate: 0.05, l2: 1e-4, seed: 1 };

/**
 * Fits a model for `slot` with the given candidates (ids and tags).
 * Candidate features (`match.*`) get a global weight plus a per-candidate one;
 * visitor features only per-candidate weights (a global one would shift every candidate alike).
 */
export function fit(id: string, slot: string, candidates: Array<{ id: string; tags: string[] }>, rows: Row[], options: Partial<TrainOptions> = {}): Model {
  const o = { ...DEFAULTS, ...options };
  const random = prng(o.seed);
  // SGD runs on features divided by their largest magnitude, so counts such as
  // ln(1+sessions) take steps like 0/1 flags do; the written weights undo the scaling.
  const scale = largest(rows);
  const global: Record<string, number> = {};
  const cands: CandidateModel[] = candidates.map((c) => ({ id: c.id, tags: c.tags, bias: 0, weights: {} }));
  const order = rows.map((_, i) => i);
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const index of order) {
      const row = rows[index] as Row;
      const c = cands[row.candidate] as CandidateModel;
      const w = c.weights as Record<string, number>;
      let z = c.bias ?? 0;
      for (const name in row.own) z += ((global[name] ?? 0) + (w[name] ?? 0)) * (row.own[name] as number) / (scale[name] as number);
      for (const name in row.visitor) z += (w[name] ?? 0) * (row.visitor[name] as number) / (scale[name] as number);
      const g = sigmoid(z) - row.y;
      const lr = o.rate / (1 + step++ / rows.length);
      c.bias = (c.bias ?? 0) - lr * g;
      for (const name in row.own) {
        const x = (row.own[name] as number) / (scale[name] as number);
        global[name] = (global[name] ?? 0) - lr * g * x;
        w[name] = (w[name] ?? 0) - lr * (g * x + o.l2 * (w[name] ?? 0));
      }
      for (const name in row.visitor) {
        const x = (row.visitor[name] as number) / (scale[name] as number);
        if (x) w[name] = (w[name] ?? 0) - lr * (g * x + o.l2 * (w[name] ?? 0));
      }
    }
  }
  const round = (x: number): number => Math.round(x * 1e4) / 1e4;
  for (const c of cands) {
    c.bias = round(c.bias ?? 0);
    const w = c.weights as Record<string, number>;
    for (const name of Object.keys(w)) if (Math.abs((w[name] = round((w[name] as number) / (scale[name] as number)))) < 1e-3) delete w[name];
  }
  for (const name of Object.keys(global)) global[name] = round((global[name] as number) / (scale[name] as number));
  return {
    ...BUILTIN_MODEL,
    id,
    bias: 0,
    weights: global,
    slots: { [slot]: cands },
  };
}

/** Largest magnitude of each feature over all rows (1 for features that are always 0). */
function largest(rows: readonly Row[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) {
    for (const f of [row.own, row.visitor]) for (const name in f) out[name] = Math.max(out[name] ?? 0, Math.abs(f[name] as number));
  }
  for (const name in out) out[name] ||= 1;
  return out;
}

/**
 * Tag transitions and co-occurrence from item histories (each history: the
 * tag lists of one visitor's items in order). `links[a][b]`: share of items
 * with tag `a` whose next item has `b`; `cooccur[a][b]`: share of items with
 * `a` that also have `b`. Entries under 0.005 are dropped, the rest rounded.
 */
export function tagMatrices(histories: ReadonlyArray<ReadonlyArray<readonly string[]>>): { links: TagMatrix; cooccur: TagMatrix } {
  const pairs = { links: new Map<string, Map<string, number>>(), cooccur: new Map<string, Map<string, number>>() };
  const from = { links: new Map<string, number>(), cooccur: new Map<string, number>() };
  const add = (kind: 'links' | 'cooccur', a: string, bs: readonly string[]): void => {
    from[kind].set(a, (from[kind].get(a) ?? 0) + 1);
    const row = pairs[kind].get(a) ?? new Map<string, number>();
    for (const b of bs) row.set(b, (row.get(b) ?? 0) + 1);
    pairs[kind].set(a, row);
  };
  for (const history of histories) {
    history.forEach((tags, i) => {
      const next = history[i + 1];
      for (const a of tags) {
        add('cooccur', a, tags);
        if (next) add('links', a, next);
      }
    });
  }
  const matrix = (kind: 'links' | 'cooccur'): TagMatrix => {
    const out: TagMatrix = {};
    for (const [a, row] of pairs[kind]) {
      const n = from[kind].get(a) ?? 1;
      const kept = [...row].map(([b, c]) => [b, Math.round((c / n) * 1000) / 1000] as const).filter(([, p]) => p >= 0.005);
      out[a] = Object.fromEntries(kept);
    }
    return out;
  };
  return { links: matrix('links'), cooccur: matrix('cooccur') };
}
