/**
 * Exit-intent offers and their conversions, seen from the client: both run
 * in the second stage, after the first decision.
 */
import type { ResolvedConfig } from '../config.js';
import type { TrackedEvent } from '../core/events.js';
import type { Model } from '../core/model.js';
import { type OfferHost, startExitOffers } from '../render/exit-offer.js';
import { offerConversion } from '../render/offer-conversion.js';

/** The stored event log and this session's start. */
export type History = () => Promise<{ events: TrackedEvent[]; sessionStart: number }>;

/** Starts watching for exit intent, unless the model has no offers (startExitOffers: or none is possible for this visitor; then there is nothing to watch for). */
export function startOffers(config: ResolvedConfig, model: Model, host: OfferHost): void {
  if (model.offers.length) startExitOffers(host, config);
}

/** Records `offer_converted` once `conversion` is stored, when it follows an offer shown in this session. */
export async function attributeConversion(stored: Promise<boolean>, conversion: TrackedEvent, history: History, record: (event: Record<string, unknown>) => unknown): Promise<void> {
  if (!(await stored)) return;
  const { events, sessionStart } = await history();
  const converted = offerConversion(events, sessionStart, conversion);
  if (converted) record(converted);
}
