/**
 * Exit-intent offers and their conversions, seen from the client: both run
 * after the first decision (the offer flow itself is in the lazily loaded
 * stage; see `stage/lazy.ts`).
 */
import type { ResolvedConfig } from '../config.js';
import type { TrackedEvent } from '../core/events.js';
import type { Model } from '../core/model.js';
import type { DebugLog } from '../debug/log.js';
import type { OfferHost } from '../render/exit-offer.js';
import { startExitOffers } from '../stage/lazy.js';
import { withStage } from '../stage/with-stage.js';

/** The stored event log and this session's start. */
export type History = () => Promise<{ events: TrackedEvent[]; sessionStart: number }>;

/** Starts watching for exit intent, unless the model has no offers (then there is nothing to watch for). */
export function startOffers(config: ResolvedConfig, model: Model, host: OfferHost): void {
  if (!model.offers.length) return;
  const c = config;
  startExitOffers(host, { minMs: c.offerMinMs, idleMs: c.offerIdleMs, perSession: c.offerPerSession, cooldownDays: c.offerCooldownDays, dialogUrl: c.dialogUrl });
}

/**
 * Records `offer_converted` once `conversion` is stored, when it follows an offer shown in this session.
 * The attribution rule ships in the second stage: it is needed only after a conversion.
 */
export async function attributeConversion(stored: Promise<boolean>, conversion: TrackedEvent, history: History, record: (event: Record<string, unknown>) => unknown, log: DebugLog): Promise<void> {
  if (!(await stored)) return;
  const { events, sessionStart } = await history();
  withStage((stage) => {
    const converted = stage.offerConversion(events, sessionStart, conversion);
    if (converted) record(converted);
  }, (error) => log.count('stage:load-failed', error));
}
