/**
 * Frequency caps of exit-intent offers, decided from the stored event log so
 * they hold across reloads and tabs: at most `perSession` offers in this
 * session, none within `cooldownDays` of an offer in an earlier session, and
 * none after a conversion in this session or the cool-down.
 */
import type { TrackedEvent } from '../core/events.js';

/**
 * Whether one more offer may be shown now. `events` is the stored log, `sessionStart` this session's first event time;
 * at most `perSession` offers in a session (0 turns offers off), none for `cooldownDays` after a session that showed one.
 */
export function offerAllowed(events: readonly TrackedEvent[], sessionStart: number, now: number, perSession: number, cooldownDays: number): boolean {
  const since = Math.min(sessionStart, now - cooldownDays * 86_400_000);
  let shown = 0;
  for (const { name, ts } of events) {
    if (ts < since) continue;
    if (name === 'purchase') return false;
    if (name === 'offer_shown') {
      if (ts < sessionStart) return false;
      shown++;
    }
  }
  return shown < perSession;
}
