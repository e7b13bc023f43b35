import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Arm, bestMean, choiceProbabilities, choiceProbability, normalCdf, propensityError } from '../../src/core/propensity.js';
import { normalFrom } from '../../src/core/random.js';

/** Winner counts over `draws` seeded draws of the same policy as `choose` (highest `mean + sd·z`, earlier wins ties). */
function monteCarlo(arms: readonly Arm[], draws: number, seed: string): number[] {
  const wins = arms.map(() => 0);
  for (let d = 0; d < draws; d++) {
    let best = 0;
    let top = -Infinity;
    arms.forEach((a, i) => {
      const x = a.sd ? a.mean + a.sd * normalFrom(`${seed}|${d}|${i}`) : a.mean;
      if (x > top) (top = x), (best = i);
    });
    wins[best]! += 1;
  }
  return wins.map((w) => w / draws);
}

/** A much finer trapezoid over a wide range: the reference the quadrature is checked against. */
function reference(arms: readonly Arm[], i: number): number {
  const me = arms[i]!;
  const n = 16_000;
  const lo = -9;
  const h = 18 / n;
  let sum = 0;
  for (let k = 0; k <= n; k++) {
    const t = lo + k * h;
    const x = me.mean + me.sd * t;
    let f = Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
    arms.forEach((a, j) => {
      if (j !== i) f *= a.sd ? normalCdf((x - a.mean) / a.sd) : x > a.mean ? 1 : 0;
    });
    sum += k === 0 || k === n ? f / 2 : f;
  }
  return sum * h;
}

const arm = fc.record({
  mean: fc.double({ min: -3, max: 3, noNaN: true }),
  sd: fc.oneof(fc.constant(0.1), fc.double({ min: 0.005, max: 1, noNaN: true })),
});

describe('propensity', () => {
  it('Φ matches known values', () => {
    // The erfc fit's fractional error is below 1.2e-7.
    expect(Math.abs(normalCdf(0) - 0.5)).toBeLessThan(0.5 * 1.2e-7);
    expect(Math.abs(normalCdf(1.959963985) - 0.975)).toBeLessThan(1.2e-7);
    expect(Math.abs(normalCdf(-3) - 0.0013498980316301)).toBeLessThan(0.0013498980316301 * 1.2e-7);
  });

  it('without spread the best mean wins with probability 1, the earliest on ties', () => {
    const arms = [{ mean: 0, sd: 0 }, { mean: 0, sd: 0 }, { mean: -1, sd: 0 }];
    expect(choiceProbabilities(arms)).toEqual([1, 0, 0]);
    expect(bestMean([{ mean: 0, sd: 0 }, { mean: 0.5, sd: 0 }])).toBe(1);
  });

  it('equal arms share evenly; two arms follow the closed form', () => {
    const three = choiceProbabilities([{ mean: 0, sd: 0.1 }, { mean: 0, sd: 0.1 }, { mean: 0, sd: 0.1 }]);
    for (const p of three) expect(Math.abs(p - 1 / 3)).toBeLessThan(propensityError(3));
    // P(X1 > X2) = Φ((μ1 − μ2)/√(σ1² + σ2²))
    const p = choiceProbability([{ mean: 0.05, sd: 0.1 }, { mean: 0, sd: 0.05 }], 0);
    expect(Math.abs(p - normalCdf(0.05 / Math.hypot(0.1, 0.05)))).toBeLessThan(propensityError(2));
  });

  it('agrees with 100,000 seeded Monte Carlo draws within sampling error plus the bound', () => {
    const arms: Arm[] = [
      { mean: -1.5, sd: 0.1 }, { mean: -1.45, sd: 0.1 / Math.sqrt(4) }, { mean: -1.52, sd: 0.1 / Math.sqrt(2) },
      { mean: -1.6, sd: 0.1 }, { mean: -3, sd: 0.1 },
    ];
    const draws = 100_000;
    const mc = monteCarlo(arms, draws, 'mc');
    const p = choiceProbabilities(arms);
    p.forEach((pi, i) => {
      const se = Math.sqrt(Math.max(pi * (1 - pi), 1e-9) / draws);
      expect(Math.abs(pi - mc[i]!)).toBeLessThan(4.5 * se + propensityError(arms.length));
    });
    expect(p[4]).toBeLessThan(1e-12);
  });

  it('is within the stated bound of a 16× finer quadrature (random arms, spread ratios up to 40)', () => {
    fc.assert(
      fc.property(fc.array(arm, { minLength: 2, maxLength: 8 }), (arms) => {
        arms.forEach((a, i) => {
          if (a.sd / Math.min(...arms.map((b) => b.sd)) > 40) return; // the reference grid resolves ratios up to 40
          expect(Math.abs(choiceProbability(arms, i) - reference(arms, i))).toBeLessThan(propensityError(arms.length));
        });
      }),
      { numRuns: 40, seed: 15 },
    );
  }, 60_000);

  // `choose` gives every candidate a spread or none (exploration on or off for the whole slot), so the bound is stated for those.
  it('probabilities sum to 1 within the bound, with spread or without', () => {
    const point = fc.record({ mean: fc.double({ min: -3, max: 3, noNaN: true }), sd: fc.constant(0) });
    fc.assert(
      fc.property(fc.oneof(fc.array(arm, { minLength: 1, maxLength: 50 }), fc.array(point, { minLength: 1, maxLength: 50 })), (arms) => {
        const sum = choiceProbabilities(arms).reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - 1)).toBeLessThan(arms.length * propensityError(arms.length));
      }),
      { numRuns: 200, seed: 17 },
    );
  });
  it('sums to 1 within the bound when candidates without spread compete with spread ones (a point mass cuts the range)', () => {
    // Summed to 0.9967 with the trapezoid rule over the cut range (docs/learning.md).
    const mixed = choiceProbabilities([{ mean: 0, sd: 0.5 }, { mean: 0.3, sd: 0.2 }, { mean: -0.2, sd: 1 }, { mean: 0.1, sd: 0 }]);
    expect(Math.abs(mixed.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(propensityError(4));
    const point = fc.record({ mean: fc.double({ min: -3, max: 3, noNaN: true }), sd: fc.constant(0) });
    fc.assert(
      fc.property(fc.array(arm, { minLength: 1, maxLength: 8 }), fc.array(point, { minLength: 1, maxLength: 4 }), (spread, points) => {
        const arms = [...spread, ...points].sort((a, b) => a.mean - b.mean || a.sd - b.sd);
        const sum = choiceProbabilities(arms).reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - 1)).toBeLessThan(arms.length * propensityError(arms.length));
      }),
      { numRuns: 200, seed: 23 },
    );
  });
});
