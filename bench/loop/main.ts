/**
 * `npm run bench:loop -- [--json] [--repeats N] [--visitors N] [--days N] [--train-time | --only-train-time]`:
 * the learning loop on a simulated site (bench/loop/simulate.ts).
 *
 * 1. One full run (seed 1, poisoning check at the end): click and conversion
 *    rates per day of the served model, of what the built-in model would
 *    have shown on the same decisions (true chances, from the simulator's
 *    hidden preferences) and of the holdout; the report's uplift against the
 *    simulator's true uplift; the off-policy prediction of each promoted
 *    model against its measured click rate the next day.
 * 2. `--repeats` smaller runs with other seeds: how often the report's
 *    always-valid interval covers the true uplift.
 * 3. With `--train-time`: training time for 1,000,000 synthetic decisions.
 *
 * Output ends with one JSON object (issue #15's shape, plus details).
 */
import { prng } from '../../src/core/random.js';
import { type LoggedDecision } from '../../server/store/decision-log-store.js';
import { train } from '../../server/learn/trainer.js';
import { BUILTIN_MODEL, dict } from '../../src/core/model.js';
import { type DayFigures, type LoopConfig, runLoop } from './simulate.js';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const value = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const asJson = flag('--json');
const say = (line: string): void => {
  if (!asJson) console.log(line);
  else console.error(line);
};

const full: LoopConfig = { seed: 1, visitors: value('--visitors', 2500), days: value('--days', 8), holdout: 0.2, noise: 0.5, train: true, log: say };
const repeats = value('--repeats', 50);
const small: Omit<LoopConfig, 'seed'> = { visitors: 400, days: 2, holdout: 0.2, noise: 0.5, train: true };

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const weighted = (days: readonly DayFigures[], pick: (d: DayFigures) => number): number =>
  days.reduce((s, d) => s + pick(d) * d.decisions, 0) / Math.max(1, days.reduce((s, d) => s + d.decisions, 0));

if (flag('--only-train-time')) {
  // Just the training time (no simulation): `npm run bench:loop -- --only-train-time`.
  console.log(JSON.stringify({ trainMs1M: timeTraining(1_000_000) }));
  process.exit(0);
}

say(`full run: ${full.visitors} visitors, ${full.days} days, holdout ${full.holdout}, exploration noise ${full.noise}`);
const run = await runLoop(full, true);
const last = run.days.slice(-2);
const first = run.days[0] as DayFigures;
const overall = run.report.overall.conversionDiff;
say(`report: ${run.report.headline}`);
say(`true uplift ${run.trueUplift.toFixed(4)}, estimate ${overall.estimate.toFixed(4)} [${overall.low.toFixed(4)}, ${overall.high.toFixed(4)}]`);
for (const o of run.ope) say(`off-policy: model promoted after day ${o.day}: predicted click rate ${o.estimate.toFixed(4)} [${o.low.toFixed(4)}, ${o.high.toFixed(4)}], measured next day ${o.measured.toFixed(4)} on ${o.decisions} decisions`);
if (run.poison) say(`poisoning: ${run.poison.devices} new devices clicking ${run.poison.candidate}: new-device shift ${run.poison.shift.toFixed(3)} (bound ${run.poison.bound}; ${run.poison.unbounded.toFixed(3)} without the trust region), share ${run.poison.newShare.toFixed(3)}, promoted ${run.poison.promoted}, served shift ${run.poison.servedShift.toFixed(3)}`);
say(`full run took ${(run.ms / 1000).toFixed(1)} s`);

const covered: boolean[] = [];
const started = performance.now();
for (let r = 0; r < repeats; r++) {
  const result = await runLoop({ ...small, seed: 100 + r });
  const c = result.report.overall.conversionDiff;
  covered.push(c.low <= result.trueUplift && result.trueUplift <= c.high);
  say(`repeat ${r + 1}/${repeats}: true ${result.trueUplift.toFixed(4)}, interval [${c.low.toFixed(4)}, ${c.high.toFixed(4)}] ${covered.at(-1) ? 'covers' : 'MISSES'}`);
}
const coverage = repeats ? covered.filter(Boolean).length / repeats : null;
say(`coverage ${coverage} over ${repeats} repeats (${((performance.now() - started) / 1000).toFixed(1)} s)`);

let trainMs1M: number | undefined;
if (flag('--train-time')) trainMs1M = timeTraining(1_000_000);

const opeErrors = run.ope.map((o) => Math.abs(o.measured - o.estimate));
const result = {
  rates: {
    definition: 'clicks per personalized decision (holdout: per holdout decision), last 2 simulated days',
    trained: weighted(last, (d) => d.clickRate),
    builtin: weighted(last, (d) => d.builtinClick),
    trainedTrue: weighted(last, (d) => d.trueClick),
    holdout: mean(last.map((d) => d.holdoutClickRate)),
    firstDay: first.clickRate,
    conversion: { trained: weighted(last, (d) => d.conversionRate), builtin: weighted(last, (d) => d.builtinConversion), holdout: mean(last.map((d) => d.holdoutConversionRate)) },
  },
  rounds: run.days.map((d) => ({ day: d.day + 1, version: d.version, click: d.clickRate, trueClick: d.trueClick, builtinClick: d.builtinClick, conversion: d.conversionRate, holdoutClick: d.holdoutClickRate, promoted: d.training?.promoted ?? false, trainMs: d.training?.ms })),
  uplift: { true: run.trueUplift, estimate: overall.estimate, low: overall.low, high: overall.high, metric: 'conversion rate per visitor, personalized − holdout' },
  coverage, repeats,
  opeError: opeErrors.length ? mean(opeErrors) : null,
  opeCovered: run.ope.length ? run.ope.filter((o) => o.low <= o.measured && o.measured <= o.high).length / run.ope.length : null,
  ope: run.ope,
  poison: run.poison ? { shift: run.poison.shift, bound: run.poison.bound, unbounded: run.poison.unbounded, servedShift: run.poison.servedShift, promoted: run.poison.promoted, devices: run.poison.devices } : null,
  ...(trainMs1M === undefined ? {} : { trainMs1M }),
  ms: run.ms,
};
console.log(JSON.stringify(result, null, asJson ? 0 : 2));

/** Trains on `n` synthetic logged decisions (two slots, 20 visitor features) and returns the training's wall time, ms. */
function timeTraining(n: number): number {
  const random = prng(5);
  const ids = ['a', 'b', 'c', 'd'];
  const decisions: LoggedDecision[] = [];
  for (let i = 0; i < n; i++) {
    const f: Record<string, number> = {};
    for (let k = 0; k < 20; k++) if (random() < 0.5) f[`ctx.f${k}`] = 1;
    const cf: Record<string, Record<string, number>> = {};
    for (const id of ids) cf[id] = { 'match.long': random(), 'learn.sd': 0.2 };
    const variant = ids[Math.floor(random() * 4)] as string;
    decisions.push({
      id: `x${i}`, t: i, slot: i % 2 ? 'hero' : 'banner', model: 'm', group: 'personalized', variant, candidates: ids, p: 0.25, pm: 'exact', f, cf,
      device: `dev${i % 50_000}`, receivedAt: i, outcomes: random() < 0.1 ? [{ id: `o${i}`, d: `x${i}`, k: 'click', t: i }] : [],
    });
  }
  const t0 = performance.now();
  const { stats } = train(decisions, { live: { ...BUILTIN_MODEL, slots: dict() }, id: 'timing', until: n + 1 });
  const ms = performance.now() - t0;
  say(`training on ${n.toLocaleString('en')} decisions: ${(ms / 1000).toFixed(1)} s (${stats.parameters} parameters, ${stats.devices} devices)`);
  return ms;
}
