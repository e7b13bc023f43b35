/**
 * Storage of the decision log (decisions and the outcomes attributed to
 * them), beside {@link CollectorStore}: the trainer and the uplift report read
 * it, `forget` erases it. Implemented by every store and checked by the store
 * contract suite.
 */
import type { DecisionRecord, OutcomeRecord } from '../../src/core/decision-record.js';

/** One authenticated `POST /v1/decisions` body, validated by the HTTP layer. */
export interface DecisionLogInput {
  device: string;
  decisions: readonly DecisionRecord[];
  outcomes: readonly OutcomeRecord[];
  /** Collector clock at receipt, epoch ms. */
  receivedAt: number;
  /** Client clock minus collector clock, ms (records' `t` minus this is collector time). */
  skewMs: number;
}

/** What storing a decision log request did. */
export interface DecisionLogOutcome {
  /** Decisions stored now. */
  decisions: number;
  /** Outcomes stored now. */
  outcomes: number;
  /** Records already stored (same device and id; for outcomes, same decision and id): nothing changed. */
  duplicates: number;
  /** Records refused by {@link DecisionLogBounds}. */
  refused: number;
}

/** Server-side bounds of the decision log per device. */
export interface DecisionLogBounds {
  /** Most decisions one device may have stored; later ones are refused. */
  maxDecisionsPerDevice: number;
  /** Most outcomes stored per decision. */
  maxOutcomesPerDecision: number;
}

/** A stored decision with its device, receipt time and every outcome attributed to it. */
export interface LoggedDecision extends DecisionRecord {
  device: string;
  /** Collector clock at receipt, epoch ms. */
  receivedAt: number;
  outcomes: OutcomeRecord[];
}

/** A page of the log: decisions received in `[since, until)`, ordered by receipt, then device, then id. */
export interface DecisionScan {
  since: number;
  until: number;
  /** The `next` cursor of the previous page. */
  after?: string;
  /** Most rows returned. */
  limit: number;
}

/** The decision log's storage. */
export interface DecisionLogStore {
  /** Stores decisions and outcomes in one transaction; duplicates change nothing. */
  appendDecisionLog(input: DecisionLogInput, bounds: DecisionLogBounds): Promise<DecisionLogOutcome>;
  /** One page of decisions with their outcomes; `next` is absent on the last page. */
  scanDecisions(scan: DecisionScan): Promise<{ rows: LoggedDecision[]; next?: string }>;
  /** How many decisions were received in `[since, until)`. */
  countDecisions(since: number, until: number): Promise<number>;
}
