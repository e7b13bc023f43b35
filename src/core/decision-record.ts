/**
 * The decision log's wire records (docs/protocol.md, `POST /v1/decisions`):
 * what a decision was made from and what followed it, so the backend can learn
 * across visitors and estimate, offline, how another model would have done.
 *
 * A record carries the decision-time features (not the profile as it is later,
 * which would leak the outcome's own effects into the inputs) and the
 * probability the exploration policy had of choosing what it chose (for
 * inverse-propensity estimators).
 */
import type { DecisionGroup } from './decide.js';

/** How {@link DecisionRecord.p} was obtained. */
export type PropensityMethod = 'exact' | 'estimated';

/** One decision (a slot's variant, or the exit-intent offer under slot `offer`). */
export interface DecisionRecord {
  /** Unique decision id, `[A-Za-z0-9_-]{1,64}`; the server keeps one record per device and id. */
  id: string;
  /** Client clock when decided, epoch ms. */
  t: number;
  /** Slot name, or `offer` for the exit-intent offer. */
  slot: string;
  /** Id of the model that decided. */
  model: string;
  /** Experience group: only `personalized` decisions are policy choices a trainer learns from. */
  group: DecisionGroup;
  /** Chosen variant id (`default` for the slot's own content or "no offer"). */
  variant: string;
  /** Eligible candidates that competed, the chosen one included; at most {@link MAX_LOGGED_CANDIDATES}. */
  candidates: string[];
  /** Probability, in (0, 1], that the policy would choose `variant` from these candidates for these inputs. */
  p: number;
  /** `exact` when computed from the policy's distribution; `estimated` when counted over repeated draws. */
  pm: PropensityMethod;
  /** For `estimated`: the standard error of `p`. */
  pe?: number;
  /** Visitor features at decision time, non-zero only, named as in docs/model.md; at most {@link MAX_LOGGED_FEATURES}. */
  f: Record<string, number>;
  /** Per candidate id, its own non-zero candidate features (`match.*`) at decision time. */
  cf: Record<string, Record<string, number>>;
}

/** What a visitor did after a decision. */
export type OutcomeKind = 'impression' | 'click' | 'add_to_cart' | 'purchase' | 'conversion';

/** One outcome attributed to one decision. */
export interface OutcomeRecord {
  /** Outcome id, `[A-Za-z0-9_-]{1,64}`: the source event's id, so one purchase credited to several decisions is one purchase overall. */
  id: string;
  /** The decision it is attributed to. */
  d: string;
  /** What happened. */
  k: OutcomeKind;
  /** Value in the site's currency (`purchase`, `add_to_cart`), ≥ 0. */
  v?: number;
  /** Client clock, epoch ms. */
  t: number;
}

/** Most candidates one record lists. */
export const MAX_LOGGED_CANDIDATES = 32;
/** Most visitor features one record carries. */
export const MAX_LOGGED_FEATURES = 64;
