/** The uplift report's counting and statistics on hand-made decisions. */
import { describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '../../src/core/decision-record.js';
import type { LoggedDecision } from '../../server/store/decision-log-store.js';
import { headline, upliftReport } from '../../server/report/uplift.js';
import { msprtHalfWidth } from '../../server/learn/stats.js';

const DAY = 86_400_000;
let n = 0;
function decision(device: string, group: LoggedDecision['group'], slot: string, receivedAt: number, outcomes: Array<Omit<OutcomeRecord, 'd' | 't'>> = []): LoggedDecision {
  const id = `d${n++}`;
  return {
    id, t: receivedAt, slot, model: 'm', group, variant: group === 'holdout' ? 'default' : 'a', candidates: ['default', 'a'], p: 1, pm: 'exact', f: {}, cf: {},
    device, receivedAt, outcomes: outcomes.map((o) => ({ ...o, d: id, t: receivedAt })),
  };
}

describe('uplift report', () => {
  it('counts visitors, conversions and revenue once per visitor, per slot and overall, without previews', () => {
    const t = 1_000 * DAY;
    const logs = [
      // p1 converts once, the same purchase credited to two decisions: revenue counted once.
      decision('p1', 'personalized', 'hero', t, [{ id: 'buy1', k: 'purchase', v: 30 }]),
      decision('p1', 'personalized', 'banner', t + 1, [{ id: 'buy1', k: 'purchase', v: 30 }, { id: 'c1', k: 'click' }]),
      decision('p2', 'personalized', 'hero', t + 2),
      decision('p3', 'personalized', 'banner', t + DAY, [{ id: 'conv', k: 'conversion' }]),
      decision('h1', 'holdout', 'hero', t + 3, [{ id: 'buy2', k: 'purchase', v: 10 }]),
      decision('h2', 'holdout', 'hero', t + 4),
      decision('q1', 'preview', 'hero', t + 5, [{ id: 'buy3', k: 'purchase', v: 99 }]),
    ];
    const report = upliftReport(logs, t - DAY, t + 2 * DAY);
    expect(report.overall.personalized).toEqual({ visitors: 3, conversions: 2, conversionRate: 2 / 3, revenue: 30, revenuePerVisitor: 10 });
    expect(report.overall.holdout).toEqual({ visitors: 2, conversions: 1, conversionRate: 0.5, revenue: 10, revenuePerVisitor: 5 });
    const hero = report.slots.find((s) => s.slot === 'hero');
    const banner = report.slots.find((s) => s.slot === 'banner');
    expect(hero?.personalized.visitors).toBe(2);
    expect(hero?.personalized.conversions).toBe(1);
    expect(banner?.personalized.conversions).toBe(2);
    expect(banner?.holdout.visitors).toBe(0);
    expect(banner?.verdict).toBe('undecided');
    expect(report.overall.relativeLift).toBeCloseTo((2 / 3 - 0.5) / 0.5, 9);
    // The interval is the mixture-SPRT one for the plug-in variance.
    const v = ((2 / 3) * (1 / 3)) / 3 + 0.25 / 2;
    const h = msprtHalfWidth(v, 0.02 ** 2, 0.05);
    expect(report.overall.conversionDiff.low).toBeCloseTo(2 / 3 - 0.5 - h, 9);
    expect(report.overall.conversionDiff.high).toBeCloseTo(2 / 3 - 0.5 + h, 9);
    // The timeline is cumulative per day: day 1 has p1, p2, h1, h2; day 2 adds p3.
    expect(report.timeline.map((p) => p.personalizedRate)).toEqual([0.5, 2 / 3]);
  });

  it('says yes, no or not yet in words', () => {
    const base = { slot: '*', relativeLift: 0, revenueDiff: { estimate: 0, low: 0, high: 0 } };
    const group = (visitors: number, rate: number) => ({ visitors, conversions: visitors * rate, conversionRate: rate, revenue: 0, revenuePerVisitor: 0 });
    expect(headline({ ...base, personalized: group(1000, 0.1), holdout: group(1000, 0.05), conversionDiff: { estimate: 0.05, low: 0.02, high: 0.08 }, visitorsNeeded: 0, verdict: 'better' })).toMatch(/^Yes/);
    expect(headline({ ...base, personalized: group(1000, 0.05), holdout: group(1000, 0.1), conversionDiff: { estimate: -0.05, low: -0.08, high: -0.02 }, visitorsNeeded: 0, verdict: 'worse' })).toMatch(/^No/);
    expect(headline({ ...base, personalized: group(100, 0.1), holdout: group(100, 0.09), conversionDiff: { estimate: 0.01, low: -0.1, high: 0.12 }, visitorsNeeded: 52_000, verdict: 'undecided' })).toMatch(/^Not yet known.*52,000 more visitors/);
    expect(headline({ ...base, personalized: group(1, 0), holdout: group(0, 0), conversionDiff: { estimate: 0, low: 0, high: 0 }, visitorsNeeded: null, verdict: 'undecided' })).toMatch(/^Not enough visitors/);
  });
});
