/**
 * Frequency caps of exit-intent offers, decided from the stored event log so
 * they hold across reloads and tabs: at most `perSession` offers in this
 * session, none within `cooldownDays` of an offer in an earlier session, and
 * none after a conversion in this session or the cool-down.
 */
import type { TrackedEvent } from '../core/events.js';

/** Offer caps. */
export interface OfferCaps {
  /** Offers per session; 0 turns offers off. */
  perSession: number;
  /** Days without offers after a session that showed one. */
  cooldownDays: number;
}

/** Whether one more offer may be shown now. `events` is the stored log, `sessionStart` this session's first event time. */
export function offerAllowed(events: readonly TrackedEvent[], sessionStart: number, now: number, caps: OfferCaps): boolean {
  const since = Math.min(sessionStart, now - caps.cooldownDays * 86_400_000);
  let shown = 0;
  for (const event of events) {
    if (event.ts < since) continue;
    if (event.name === 'purchase') return false;
    if (event.name === 'offer_shown') {
      if (event.ts < sessionStart) return false;
      shown++;
    }
  }
  return shown < caps.perSession;
}
