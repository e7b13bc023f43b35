/**
 * Choosing an exit-intent offer for this visitor from the model's `offers`,
 * with the same scoring, eligibility, learning and holdout as slots. "No
 * offer" competes as the default and wins unless an offer scores higher.
 */
import { type DecideOptions, type Decision, choose } from './decide.js';
import type { Model } from '../../../../src/core/model.js';
import type { OfferContent } from '../../../../src/core/offer.js';
import type { ProfileView } from '../../../../src/core/view.js';

/** The slot name offers use in decisions and feedback counters. */
export const OFFER_SLOT = 'offer';

/** An offer decision: `variant` is the offer id, or `default` (no offer, `content` absent). */
export interface OfferDecision extends Decision {
  /** What the dialog shows; absent when no offer was chosen. */
  content?: OfferContent;
}

/** Picks the offer to show on exit intent, or none. Pure and deterministic for the same inputs. */
export function decideOffer(view: ProfileView, model: Model, options?: DecideOptions): OfferDecision {
  const decision: OfferDecision = choose(OFFER_SLOT, model.offers, view, model, options);
  const offer = model.offers.find((o) => o.id === decision.variant);
  if (offer) decision.content = offer.content;
  return decision;
}
