/** The trainer and the off-policy evaluation on synthetic logs with a known truth. */
import { describe, expect, it } from 'vitest';
import type { LoggedDecision } from '../../server/store/decision-log-store.js';
import { evaluate } from '../../server/learn/ope.js';
import { DEFAULT_TRAIN, train } from '../../server/learn/trainer.js';
import { loggingModel, synthesize, trueValue } from './learn-synthetic.js';

const DAY = 86_400_000;
const start = 1_700_000_000_000;
const until = start + 10 * DAY;

describe('trainer', () => {
  const logs = synthesize({ devices: 3000, perDevice: 4, seed: 1, start });
  const live = loggingModel(0.5);
  const result = train(logs, { live, id: 'trained-1', until });

  it('learns a model whose true click rate beats the logging model', () => {
    const test = synthesize({ devices: 1000, perDevice: 2, seed: 2, start });
    const quiet = (m: typeof live): typeof live => ({ ...m, explore: { ...m.explore, noise: 0.1 } });
    const trained = trueValue(quiet(result.model), test);
    const before = trueValue(quiet(live), test);
    expect(trained).toBeGreaterThan(before + 0.005);
    // The context effect: b is better on mobile, a on desktop.
    const hero = result.model.slots.hero ?? [];
    const b = hero.find((c) => c.id === 'b');
    const a = hero.find((c) => c.id === 'a');
    expect((b?.weights?.['ctx.mobile'] ?? 0) - (a?.weights?.['ctx.mobile'] ?? 0)).toBeGreaterThan(0.5);
  });

  it('never learns from holdout or preview decisions', () => {
    const tagged = logs.map((d, i): LoggedDecision => ({ ...d, group: i % 2 ? 'holdout' : 'preview' }));
    const none = train(tagged, { live, id: 'trained-x', until });
    expect(none.stats.used).toBe(0);
    expect(none.model.slots.hero).toEqual(live.slots.hero);
  });

  it('caps what one device contributes', () => {
    const one = synthesize({ devices: 1, perDevice: 5000, seed: 9, start, prefix: 'heavy' }).map((d) => ({
      ...d, receivedAt: start, outcomes: d.variant === 'c' ? [{ id: `${d.id}-k`, d: d.id, k: 'click' as const, t: d.t }] : [],
    }));
    const withHeavy = train([...logs, ...one], { live, id: 'trained-h', until });
    const bias = (m: typeof live, id: string): number => m.slots.hero?.find((c) => c.id === id)?.bias ?? 0;
    expect(Math.abs(bias(withHeavy.model, 'c') - bias(result.model, 'c'))).toBeLessThan(0.3);
  });

  it('bounds a flood of 1,000 new devices clicking one candidate', () => {
    const flood = synthesize({ devices: 1000, perDevice: 3, seed: 5, start: until - 3_600_000, prefix: 'fake' }).map((d) => ({
      ...d, outcomes: d.variant === 'c' ? [{ id: `${d.id}-k`, d: d.id, k: 'click' as const, t: d.t }] : [],
    }));
    const poisoned = train([...logs, ...flood], { live, id: 'trained-p', until });
    const uncapped = train([...logs, ...flood], { live, id: 'trained-u', until }, { ...DEFAULT_TRAIN, newDeviceShare: 0.99, newDeviceTrust: 1e9 });
    expect(poisoned.stats.newShiftRaw).toBeGreaterThan(0);
    expect(poisoned.stats.newShift).toBeLessThanOrEqual(DEFAULT_TRAIN.newDeviceTrust + 1e-9);
    expect(poisoned.stats.newShare).toBeLessThanOrEqual(DEFAULT_TRAIN.newDeviceShare + 1e-9);
    // Without the caps, the same flood moves the model past the bound: the test can tell.
    expect(uncapped.stats.newShift).toBeGreaterThan(DEFAULT_TRAIN.newDeviceTrust);
  });
});

describe('off-policy evaluation', () => {
  it('estimates a model’s true value within its interval, and promotes only a better one', () => {
    const live = loggingModel(1);
    const trainLogs = synthesize({ devices: 3000, perDevice: 3, seed: 3, start, model: live });
    const heldBack = synthesize({ devices: 3000, perDevice: 3, seed: 4, start, model: live });
    const trained = train(trainLogs, { live, id: 'trained-2', until }).model;
    const evaluation = evaluate(trained, live, heldBack, { reward: 'click', alpha: 0.05 });
    const truth = trueValue(trained, heldBack);
    for (const estimate of [evaluation.candidate.ips, evaluation.candidate.snips, evaluation.candidate.dr]) {
      expect(estimate.low).toBeLessThan(truth);
      expect(estimate.high).toBeGreaterThan(truth);
    }
    const liveTruth = trueValue(live, heldBack);
    expect(evaluation.live.dr.low).toBeLessThan(liveTruth);
    expect(evaluation.live.dr.high).toBeGreaterThan(liveTruth);
    expect(evaluation.better).toBe(true);
    // The same model is not better than itself.
    expect(evaluate(live, live, heldBack, { reward: 'click', alpha: 0.05 }).better).toBe(false);
  });
});
