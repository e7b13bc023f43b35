/** The learning statistics: normal quantiles, choice probabilities and the always-valid interval's coverage under continuous monitoring. */
import { describe, expect, it } from 'vitest';
import { prng } from '../../src/core/random.js';
import { choiceProbabilities } from '../../server/learn/policy.js';
import { alwaysValidInterval, msprtHalfWidth, normalCdf, normalInterval, normalQuantile, sampleToResolve } from '../../server/learn/stats.js';

const gauss = (random: () => number): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

describe('normal distribution', () => {
  it('quantile inverts the CDF and matches known values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 8);
    for (const p of [0.001, 0.02, 0.3, 0.9, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
  });
});

describe('choice probabilities of Thompson draws', () => {
  it('match counted argmax frequencies of the same draws', () => {
    const candidates = [{ mean: 0, sd: 0.5 }, { mean: 0.3, sd: 0.2 }, { mean: -0.2, sd: 1 }, { mean: 0.1, sd: 0.05 }];
    const exact = choiceProbabilities(candidates);
    const random = prng(3);
    const counts = [0, 0, 0, 0];
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let top = -Infinity;
      candidates.forEach((c, j) => {
        const draw = c.mean + c.sd * gauss(random);
        if (draw > top) [best, top] = [j, draw];
      });
      counts[best] = (counts[best] as number) + 1;
    }
    expect(exact.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    exact.forEach((p, j) => expect(Math.abs(p - (counts[j] as number) / n)).toBeLessThan(0.004));
  });

  it('is the argmax when nothing explores', () => {
    expect(choiceProbabilities([{ mean: 1, sd: 0 }, { mean: 2, sd: 0 }, { mean: 2, sd: 0 }])).toEqual([0, 1, 0]);
  });
});

describe('mixture SPRT confidence sequence', () => {
  it('solves Λ = 1/α at its half-width', () => {
    const v = 0.01;
    const tau2 = 0.05;
    const h = msprtHalfWidth(v, tau2, 0.05);
    const lambda = Math.sqrt(v / (v + tau2)) * Math.exp((tau2 * h * h) / (2 * v * (v + tau2)));
    expect(lambda).toBeCloseTo(20, 6);
    expect(h).toBeGreaterThan(normalInterval(0, Math.sqrt(v)).high);
  });

  it('keeps ≥ 95 % coverage when the difference is looked at after every visitor (and a fixed interval does not)', () => {
    const random = prng(11);
    const runs = 400;
    const looks = 2000;
    const truth = 0.3;
    let missedSequential = 0;
    let missedFixed = 0;
    for (let r = 0; r < runs; r++) {
      let sumA = 0;
      let sumB = 0;
      let sqA = 0;
      let sqB = 0;
      let sequentialMiss = false;
      let fixedMiss = false;
      for (let n = 1; n <= looks; n++) {
        const a = gauss(random) + truth;
        const b = gauss(random);
        sumA += a;
        sumB += b;
        sqA += a * a;
        sqB += b * b;
        if (n < 10) continue;
        const varA = (sqA - (sumA * sumA) / n) / (n - 1);
        const varB = (sqB - (sumB * sumB) / n) / (n - 1);
        const d = sumA / n - sumB / n;
        const v = varA / n + varB / n;
        const ci = alwaysValidInterval(d, v, 0.01);
        if (ci.low > truth || ci.high < truth) sequentialMiss = true;
        const fixed = normalInterval(d, Math.sqrt(v));
        if (fixed.low > truth || fixed.high < truth) fixedMiss = true;
      }
      if (sequentialMiss) missedSequential++;
      if (fixedMiss) missedFixed++;
    }
    expect(missedSequential / runs).toBeLessThanOrEqual(0.05);
    expect(missedFixed / runs).toBeGreaterThan(0.2);
  });

  it('says how much more sample resolves an effect', () => {
    const v1 = 0.04;
    const more = sampleToResolve(0.1, v1, 100, 0.01);
    expect(more).toBeGreaterThan(0);
    const total = 100 + more;
    expect(msprtHalfWidth((v1 * 100) / total, 0.01)).toBeLessThan(0.1);
    expect(msprtHalfWidth((v1 * 100) / (total - 1), 0.01)).toBeGreaterThanOrEqual(0.1);
    expect(sampleToResolve(0, v1, 100, 0.01)).toBe(Infinity);
  });
});
