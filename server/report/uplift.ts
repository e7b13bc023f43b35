/**
 * The uplift report: personalized visitors against the holdout (the stable
 * share kept on default content), per slot and overall: visitors,
 * conversion rate, revenue per visitor, and their differences with an
 * always-valid 95 % interval (mixture SPRT confidence sequence, so the owner
 * may look every day), plus the visitors still needed to resolve the
 * observed effect. Pure: decisions in, report out.
 *
 * Unit: the visitor (device). A visitor counts in a slot when they had a
 * decision in it; they converted when a purchase or conversion was credited
 * to one of those decisions. Overall counts every decision of the visitor.
 * Revenue sums purchase values, each outcome id once per visitor.
 */
import type { LoggedDecision } from '../store/decision-log-store.js';
import { isConversion } from '../learn/reward.js';
import { type Interval, alwaysValidInterval, sampleToResolve } from '../learn/stats.js';

/** One group's figures. */
export interface GroupFigures {
  visitors: number;
  conversions: number;
  conversionRate: number;
  revenue: number;
  revenuePerVisitor: number;
}

/** Personalized against holdout on one slot (or `*` overall). */
export interface SlotReport {
  slot: string;
  personalized: GroupFigures;
  holdout: GroupFigures;
  /** Conversion rate difference, personalized − holdout, always-valid interval. */
  conversionDiff: Interval;
  /** Revenue per visitor difference, always-valid interval. */
  revenueDiff: Interval;
  /** Conversion rate difference relative to the holdout's rate (null when the holdout has none). */
  relativeLift: number | null;
  /** More visitors (both groups, current split) until the interval excludes 0 at the observed effect; 0 when it already does, null when the effect is 0 or unknown. */
  visitorsNeeded: number | null;
  /** `better`, `worse` (the interval excludes 0) or `undecided`. */
  verdict: 'better' | 'worse' | 'undecided';
}

/** One point of the cumulative difference over time. */
export interface TimelinePoint {
  /** End of the day (collector clock, epoch ms). */
  until: number;
  personalizedRate: number;
  holdoutRate: number;
  diff: number;
  low: number;
  high: number;
}

/** The whole report. */
export interface UpliftReport {
  since: number;
  until: number;
  alpha: number;
  /** Mixing standard deviations of the confidence sequences (conversion rate; revenue per visitor). */
  tau: { conversion: number; revenue: number };
  overall: SlotReport;
  slots: SlotReport[];
  timeline: TimelinePoint[];
  /** The answer in words. */
  headline: string;
}

/** Settings of the report's statistics. */
export interface UpliftOptions {
  alpha: number;
  /** Mixing standard deviation of the conversion rate difference (the effect size the test is tuned to). */
  tauConversion: number;
  /** Mixing standard deviation of the revenue difference, as a share of the mean order value. */
  tauRevenueShare: number;
}

/** Defaults: 95 %, tuned to a 2-point conversion rate difference. */
export const DEFAULT_UPLIFT: UpliftOptions = { alpha: 0.05, tauConversion: 0.02, tauRevenueShare: 0.02 };

interface Visitor {
  converted: boolean;
  revenue: number;
}

type Groups = { personalized: Map<string, Visitor>; holdout: Map<string, Visitor> };

function emptyGroups(): Groups {
  return { personalized: new Map(), holdout: new Map() };
}

/** Adds one decision to the groups (preview decisions and other slots are left out). */
function add(groups: Groups, seen: Set<string>, d: LoggedDecision, slot: string | undefined): void {
  if (d.group === 'preview' || (slot !== undefined && d.slot !== slot)) return;
  const map = groups[d.group];
  let v = map.get(d.device);
  if (!v) map.set(d.device, (v = { converted: false, revenue: 0 }));
  for (const o of d.outcomes) {
    if (!isConversion(o)) continue;
    v.converted = true;
    const key = `${d.device}\u0000${o.id}`;
    if (o.k === 'purchase' && !seen.has(key)) {
      seen.add(key);
      v.revenue += o.v ?? 0;
    }
  }
}

function collect(decisions: readonly LoggedDecision[], slot: string | undefined): Groups {
  const groups = emptyGroups();
  const seen = new Set<string>();
  for (const d of decisions) add(groups, seen, d, slot);
  return groups;
}

function figures(map: Map<string, Visitor>): GroupFigures & { revenueVar: number } {
  const visitors = map.size;
  let conversions = 0;
  let revenue = 0;
  let sq = 0;
  map.forEach((v) => {
    if (v.converted) conversions++;
    revenue += v.revenue;
    sq += v.revenue * v.revenue;
  });
  const rpv = visitors ? revenue / visitors : 0;
  return {
    visitors,
    conversions,
    conversionRate: visitors ? conversions / visitors : 0,
    revenue,
    revenuePerVisitor: rpv,
    revenueVar: visitors > 1 ? (sq - visitors * rpv * rpv) / (visitors - 1) : 0,
  };
}

const UNKNOWN: Interval = { estimate: 0, low: -Infinity, high: Infinity };

function slotReport(slot: string, groups: Groups, options: UpliftOptions, meanOrder: number): SlotReport {
  const p = figures(groups.personalized);
  const h = figures(groups.holdout);
  const ready = p.visitors > 1 && h.visitors > 1;
  const rateVar = (g: GroupFigures): number => Math.max(g.conversionRate * (1 - g.conversionRate), 1 / (4 * g.visitors * g.visitors)) / g.visitors;
  const vConv = ready ? rateVar(p) + rateVar(h) : 0;
  const d = p.conversionRate - h.conversionRate;
  const tau2 = options.tauConversion ** 2;
  const conversionDiff = ready ? alwaysValidInterval(d, vConv, tau2, options.alpha) : { ...UNKNOWN, estimate: d };
  const vRev = ready ? p.revenueVar / p.visitors + h.revenueVar / h.visitors : 0;
  const tauRev2 = (options.tauRevenueShare * Math.max(meanOrder, 1e-9)) ** 2;
  const revenueDiff = ready && vRev > 0 ? alwaysValidInterval(p.revenuePerVisitor - h.revenuePerVisitor, vRev, tauRev2, options.alpha) : { ...UNKNOWN, estimate: p.revenuePerVisitor - h.revenuePerVisitor };
  const n = p.visitors + h.visitors;
  const needed = ready ? sampleToResolve(d, vConv, n, tau2, options.alpha) : Infinity;
  const strip = ({ revenueVar: _, ...g }: GroupFigures & { revenueVar: number }): GroupFigures => g;
  return {
    slot,
    personalized: strip(p),
    holdout: strip(h),
    conversionDiff,
    revenueDiff,
    relativeLift: h.conversionRate > 0 ? d / h.conversionRate : null,
    visitorsNeeded: Number.isFinite(needed) ? needed : null,
    verdict: conversionDiff.low > 0 ? 'better' : conversionDiff.high < 0 ? 'worse' : 'undecided',
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;

/** The headline: is personalization paying off? */
export function headline(overall: SlotReport): string {
  const { personalized: p, holdout: h, conversionDiff: c } = overall;
  if (p.visitors < 2 || h.visitors < 2) return `Not enough visitors yet: ${p.visitors} personalized and ${h.visitors} in the holdout.`;
  const range = `${pct(c.low)} to ${pct(c.high)}`;
  if (overall.verdict === 'better') return `Yes: personalization is paying off. Personalized visitors convert at ${pct(p.conversionRate)} against ${pct(h.conversionRate)} in the holdout (difference ${range}, 95 % always-valid).`;
  if (overall.verdict === 'worse') return `No: personalized visitors convert less (${pct(p.conversionRate)} against ${pct(h.conversionRate)}; difference ${range}).`;
  const more = overall.visitorsNeeded === null ? 'an effect this small may never be resolved' : `about ${overall.visitorsNeeded.toLocaleString('en')} more visitors would resolve an effect of this size`;
  return `Not yet known: personalized ${pct(p.conversionRate)} against holdout ${pct(h.conversionRate)}; the difference is between ${range} — ${more}.`;
}

/** Builds the report from the decisions received in `[since, until)`. */
export function upliftReport(decisions: readonly LoggedDecision[], since: number, until: number, options: UpliftOptions = DEFAULT_UPLIFT): UpliftReport {
  const orders: number[] = [];
  for (const d of decisions) for (const o of d.outcomes) if (o.k === 'purchase' && (o.v ?? 0) > 0) orders.push(o.v as number);
  const meanOrder = orders.length ? orders.reduce((a, b) => a + b, 0) / orders.length : 1;
  const overall = slotReport('*', collect(decisions, undefined), options, meanOrder);
  const names = [...new Set(decisions.map((d) => d.slot))].sort();
  const slots = names.map((slot) => slotReport(slot, collect(decisions, slot), options, meanOrder));
  // Cumulative difference at the end of each day: one pass over the decisions in receipt order.
  const timeline: TimelinePoint[] = [];
  const DAY = 86_400_000;
  const sorted = [...decisions].sort((a, b) => a.receivedAt - b.receivedAt);
  const first = sorted[0]?.receivedAt;
  if (first !== undefined) {
    const days = Math.min(90, Math.ceil((until - first) / DAY));
    const groups = emptyGroups();
    const seen = new Set<string>();
    let i = 0;
    for (let k = 1; k <= days; k++) {
      const end = Math.min(until, first + k * DAY);
      for (; i < sorted.length && (sorted[i] as LoggedDecision).receivedAt < end; i++) add(groups, seen, sorted[i] as LoggedDecision, undefined);
      const r = slotReport('*', groups, options, meanOrder);
      timeline.push({ until: end, personalizedRate: r.personalized.conversionRate, holdoutRate: r.holdout.conversionRate, diff: r.conversionDiff.estimate, low: r.conversionDiff.low, high: r.conversionDiff.high });
    }
  }
  return {
    since, until, alpha: options.alpha,
    tau: { conversion: options.tauConversion, revenue: options.tauRevenueShare * meanOrder },
    overall, slots, timeline, headline: headline(overall),
  };
}
