/**
 * The model document's shape (format in docs/model.md): its types, the
 * built-in model, and the cheap checks a page reads a cached model with. The
 * decision path imports this, never the validator (src/core/model.ts), so the
 * script tag's first file decides without shipping `parseModel`.
 */
import { hasOwn } from './field.js';
import type { OfferContent } from './offer.js';

/** Inclusive bounds on one feature; `null` leaves a side open. */
export type Range = [number | null, number | null];

/** A rule over features: every named feature (missing counts as 0) must lie in its range. */
export type Rule = Record<string, Range>;

/** Something a slot or the offer dialog can show, as the model describes it. */
export interface CandidateModel {
  /** Variant id, unique within its slot (`[A-Za-z0-9_-]{1,64}`). */
  id: string;
  /** Tags matched against the visitor's affinities, e.g. `running` or `brand:acme`. */
  tags: string[];
  /** Shown only to visitors whose features satisfy this rule. */
  eligibility?: Rule;
  /** Added to the logit: the candidate's popularity prior. */
  bias?: number;
  /** Added to the global weight of each named feature. */
  weights?: Record<string, number>;
}

/** An exit-intent offer: a candidate with the content the dialog shows. */
export interface OfferModel extends CandidateModel {
  content: OfferContent;
}

/** On-device learning and exploration settings. */
export interface Exploration {
  /** Weight of the model's prediction against the visitor's own outcomes, in pseudo-impressions. */
  prior: number;
  /** Spread of the Thompson draw in logit units before any feedback; 0 disables exploration. */
  noise: number;
}

/** A model document. */
export interface Model {
  /** Format version; only 1 exists. */
  version: 1;
  /** Identifies the trained model in decisions and debug output. */
  id: string;
  /** Global logit offset. */
  bias: number;
  /** Global weight per feature name. */
  weights: Record<string, number>;
  /** Per slot, its candidates (declared ones can be decided without markup; markup ones pick up weights by id). */
  slots: Record<string, CandidateModel[]>;
  /** Exit-intent offers. */
  offers: OfferModel[];
  /** Segment rules; a visitor matching one gets feature `seg.<name>` = 1. */
  segments: Record<string, Rule>;
  /** Share of visitors (0–0.5) kept on default content to measure uplift. */
  holdout: number;
  /** Exploration settings. */
  explore: Exploration;
  /** Transitions: `links[a][b]` estimates the chance the next item has tag `b` after items with tag `a` (feature `match.next`). */
  links?: TagMatrix;
  /** Co-occurrence: `cooccur[a][b]` is the share of items with tag `a` that also have `b` (coverage of recommendations). */
  cooccur?: TagMatrix;
}

/** Probabilities between (lowercase) tags, row tag → column tag → [0, 1]; at most 64 rows of 64 entries. */
export type TagMatrix = Record<string, Record<string, number>>;

/**
 * A map keyed by untrusted names (slots, segments, tags, features), without a
 * prototype: `slots['constructor']` finds nothing instead of `Object`, and
 * `for…in` ignores whatever a host page added to `Object.prototype`.
 */
export function dict<T>(entries?: Iterable<readonly [string, T]>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (entries) for (const [key, value] of entries) out[key] = value;
  return out;
}

/** The model used until (or unless) one is loaded. */
// `dict` calls are marked pure so a bundle that never reads it (the decision path alone) drops it.
export const BUILTIN_MODEL: Model = {
  version: 1,
  id: 'builtin-1',
  bias: -1.5,
  weights: /* @__PURE__ */ dict([['match.long', 3], ['match.short', 2]]),
  slots: /* @__PURE__ */ dict(),
  offers: [],
  segments: /* @__PURE__ */ dict(),
  holdout: 0.05,
  explore: { prior: 20, noise: 0.1 },
};

/** The `v` of a cached model that {@link parseModel} validated before it was stored (`sync/pull.ts`). */
export const VALIDATED_MODEL = 2;

/**
 * A cheap check that a model validated before it was stored still has the
 * shape decisions read: a page uses the cached model without validating it
 * again, and without shipping the validator in the script-tag core.
 */
export function isModelShaped(value: unknown): value is Model {
  const m = value as Record<string, unknown> | null;
  // The built-in model is the template: each of its fields has a value of the same type (objects not null, offers a list).
  return !!m && m.version === 1 && Array.isArray(m.offers) &&
    Object.keys(BUILTIN_MODEL).every((key) => m[key] !== null && typeof m[key] === typeof BUILTIN_MODEL[key as keyof Model]);
}

/**
 * The model sync cached under `model` (`{ v, doc }`, see src/sync/pull.ts) when it is one this SDK's validator
 * passed and it still has the model's shape, else `undefined`: both stages read a cached model through this.
 */
export function cachedModel(cached: unknown): Model | undefined {
  const entry = cached as { v?: unknown; doc?: unknown } | undefined;
  return entry?.v === VALIDATED_MODEL && isModelShaped(entry.doc) ? entry.doc : undefined;
}

/** One feature's share of a score, for explanations. */
export interface Contribution {
  /** Feature name (`match.long`, `prior`, `learned`, …). */
  feature: string;
  /** Its addition to the logit. */
  value: number;
  /** The same in plain words, e.g. `long-term affinity for running: +1.2`. */
  text: string;
}

/** The candidates the model declares for `slot` (none for a name it does not declare, `constructor` included). */
export function slotCandidates(model: Model, slot: string): CandidateModel[] | undefined {
  return hasOwn(model.slots, slot) ? model.slots[slot] : undefined;
}
