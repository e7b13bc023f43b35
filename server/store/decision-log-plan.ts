/**
 * What one decision log request will store for one device, decided from what
 * the device already has (read under its lock), so every store applies the
 * same rules: dedupe by id, the per-device decision bound, the per-decision
 * outcome bound, and outcomes only for decisions of the same device. Pure: no
 * database, no clock.
 */
import type { DecisionRecord, OutcomeRecord } from '../../src/core/decision-record.js';
import type { DecisionLogBounds, DecisionLogOutcome } from './decision-log-store.js';

/** What the device already has, as far as the request's own ids are concerned. */
export interface StoredDecisionLog {
  /** Decisions the device has stored. */
  decisions: number;
  /** Of the request's decision ids (and outcomes' `d`), those stored, with their outcome counts. */
  outcomesPerDecision: ReadonlyMap<string, number>;
  /** Of the request's outcomes, those stored, as {@link outcomeKey}. */
  outcomes: ReadonlySet<string>;
}

/** The writes of one request and its counts. */
export interface DecisionLogPlan {
  decisions: DecisionRecord[];
  outcomes: OutcomeRecord[];
  /** New outcome count per decision id that gains outcomes. */
  outcomeCounts: Map<string, number>;
  /** The device's decision count after the request. */
  total: number;
  counts: DecisionLogOutcome;
}

/** The identity of a stored outcome within its device: its decision and its own id. */
export function outcomeKey(decision: string, id: string): string {
  return `${decision}\u0000${id}`;
}

/**
 * Plans a request. A decision already stored (or repeated in the request) is a duplicate; a new
 * one past `maxDecisionsPerDevice` is refused. An outcome already stored is a duplicate; one whose
 * decision the device does not have (never sent, refused, or another device's) is refused, as is
 * one past `maxOutcomesPerDecision`. Duplicates are counted before bounds: a retry never counts as refused.
 */
export function planDecisionLog(
  decisions: readonly DecisionRecord[],
  outcomes: readonly OutcomeRecord[],
  stored: StoredDecisionLog,
  bounds: DecisionLogBounds,
): DecisionLogPlan {
  const perDecision = new Map(stored.outcomesPerDecision);
  const plan: DecisionLogPlan = { decisions: [], outcomes: [], outcomeCounts: new Map(), total: stored.decisions, counts: { decisions: 0, outcomes: 0, duplicates: 0, refused: 0 } };
  for (const decision of decisions) {
    if (perDecision.has(decision.id)) plan.counts.duplicates++;
    else if (plan.total >= bounds.maxDecisionsPerDevice) plan.counts.refused++;
    else {
      perDecision.set(decision.id, 0);
      plan.decisions.push(decision);
      plan.total++;
    }
  }
  const seen = new Set(stored.outcomes);
  for (const outcome of outcomes) {
    const key = outcomeKey(outcome.d, outcome.id);
    const count = perDecision.get(outcome.d);
    if (seen.has(key)) plan.counts.duplicates++;
    else if (count === undefined || count >= bounds.maxOutcomesPerDecision) plan.counts.refused++;
    else {
      seen.add(key);
      perDecision.set(outcome.d, count + 1);
      plan.outcomeCounts.set(outcome.d, count + 1);
      plan.outcomes.push(outcome);
    }
  }
  plan.counts.decisions = plan.decisions.length;
  plan.counts.outcomes = plan.outcomes.length;
  return plan;
}
