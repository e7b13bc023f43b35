/**
 * The learning loop at small scale (bench/loop, the same code as
 * `npm run bench:loop`): simulated devices running the real SDK core against
 * the real collector over HTTP on 127.0.0.1 for a few simulated days.
 * Checks directions, not the benchmark's figures.
 */
import { describe, expect, it } from 'vitest';
import { runLoop } from '../../bench/loop/simulate.js';

describe('learning loop (small simulated site)', () => {
  it('trains a model that beats the built-in one, reports a covering interval, and bounds a flood', async () => {
    const result = await runLoop({ seed: 3, visitors: 1000, days: 4, holdout: 0.2, noise: 0.5, train: true }, true);
    const first = result.days[0];
    const last = result.days.at(-1);
    expect(first?.version).toBe(1);
    // A trained version was promoted and served, and it beats what the built-in model shows the same visitors.
    expect(result.days.some((d) => d.training?.promoted)).toBe(true);
    expect(last?.version).toBeGreaterThan(1);
    expect(last?.trueClick).toBeGreaterThan(last?.builtinClick as number);
    // The report's always-valid interval is finite and covers the simulator's true uplift.
    const c = result.report.overall.conversionDiff;
    expect(Number.isFinite(c.low) && Number.isFinite(c.high)).toBe(true);
    expect(c.low).toBeLessThanOrEqual(result.trueUplift);
    expect(c.high).toBeGreaterThanOrEqual(result.trueUplift);
    // The flood of new devices moves the trained model no further than the bound; without the trust region it would.
    const poison = result.poison;
    expect(poison?.shift).toBeLessThanOrEqual((poison?.bound as number) + 1e-9);
    expect(poison?.unbounded).toBeGreaterThan(poison?.bound as number);
  }, 120_000);
});
