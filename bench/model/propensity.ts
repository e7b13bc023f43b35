/**
 * What the decision log's propensity costs per decision (docs/model.md):
 * `propensityOf` (the chosen variant's probability and the exploration share,
 * two integrals at most) and `buildDecisionRecord` on decisions with 3, 10
 * and 50 candidates, with exploration on (the visitor has feedback in the
 * slot). Two cases: near-tied means (every candidate in play: the worst case
 * of the quadrature) and spread means (typical: candidates far below the best
 * are pruned). Node, one core; prints µs per decision (median and p99 of
 * 2,000 decisions, after a warm-up).
 *
 * `npm run bench:propensity -- [--json]`
 */
import { decideSlot } from '../../src/core/decide.js';
import { buildDecisionRecord } from '../../src/core/decision-log.js';
import type { TrackedEvent } from '../../src/core/events.js';
import { type Model, parseModel } from '../../src/core/model.js';
import { apply, emptyProfile } from '../../src/core/profile.js';
import { propensityOf } from '../../src/core/propensity-of.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { viewProfile } from '../../src/core/view.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const RUNS = 2000;

function model(n: number, spread: number): Model {
  const parsed = parseModel({
    version: 1, id: 'bench', bias: -1.5, holdout: 0, explore: { prior: 20, noise: 0.1 },
    slots: { hero: Array.from({ length: n - 1 }, (_, i) => ({ id: `c${i}`, tags: [`t${i % 7}`], bias: spread * ((i * 37) % 11) / 10 })) },
  });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.model;
}

const events: TrackedEvent[] = [
  { name: 'view_promotion', ts: T0, props: { slot: 'hero', variant: 'c1' } },
  { name: 'view_promotion', ts: T0 + 1, props: { slot: 'hero', variant: 'c2' } },
  { name: 'select_promotion', ts: T0 + 2, props: { slot: 'hero', variant: 'c2' } },
];
const profile = events.reduce((p, e) => apply(p, e).profile, emptyProfile());
const view = snapshotOf(viewProfile(profile, T0 + 60_000));

function time(fn: () => unknown): { median: number; p99: number } {
  for (let i = 0; i < 200; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[RUNS >> 1] as number, p99: samples[Math.floor(RUNS * 0.99)] as number };
}

const rows: Array<Record<string, unknown>> = [];
for (const [label, spread] of [['near-tied', 0.01], ['spread', 1]] as const) {
  for (const n of [3, 10, 50]) {
    const m = model(n, spread);
    const decisions = Array.from({ length: 64 }, (_, seed) => decideSlot('hero', [], view, m, { visitor: 'v', seed }));
    if (decisions[0]!.inputs.competed.length !== n) throw new Error('unexpected candidate count');
    let k = 0;
    const p = time(() => propensityOf(decisions[k++ & 63]!));
    const record = time(() => buildDecisionRecord(decisions[k++ & 63]!, 'id', T0));
    const exploration = propensityOf(decisions[0]!).exploration;
    rows.push({ case: label, candidates: n, propensityMedianUs: +p.median.toFixed(1), propensityP99Us: +p.p99.toFixed(1), recordMedianUs: +record.median.toFixed(1), recordP99Us: +record.p99.toFixed(1), exploration: +exploration.toFixed(3) });
  }
}
if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
else console.table(rows);
