/**
 * Attributing what a visitor did to the decisions of the decision log, the
 * same way on-device learning credits it (src/core/profile.ts `b.v.*`):
 * an impression or a click goes to the decision of that page view for that
 * slot (or the exit-intent offer); `add_to_cart`, `purchase` and
 * `conversion` go, last touch, to each slot's last seen or clicked decision
 * if that was within the session timeout. Pure: the state is data the
 * caller persists.
 */
import type { OutcomeKind, OutcomeRecord } from './decision-record.js';
import type { TrackedEvent } from './events.js';
import { dict } from './model.js';
import { OFFER_SLOT } from './offers.js';
import { CONVERSIONS, DEFAULT_PROFILE_OPTIONS } from './profile.js';
import { hash32 } from './random.js';
import { hasOwn } from './field.js';

/** Largest outcome value sent (a currency amount); larger ones are sent without a value. */
export const MAX_OUTCOME_VALUE = 1e12;

/** Per slot, the last seen or clicked decision and when. */
export type LastTouch = Record<string, { d: string; t: number }>;

/** A logged decision of this page view, as attribution needs it. */
export interface LoggedDecision {
  /** Decision record id. */
  id: string;
  slot: string;
  variant: string;
}

const DIRECT: Record<string, OutcomeKind> = { view_promotion: 'impression', select_promotion: 'click', offer_shown: 'impression', offer_clicked: 'click' };

/**
 * A stable id for a stored event, `[A-Za-z0-9_-]`: its time and a hash of its
 * content. The same event gives the same id wherever it is credited, so one
 * purchase credited to two slots is one purchase overall.
 */
export function eventId(event: TrackedEvent): string {
  return `e${event.ts.toString(36)}-${hash32(JSON.stringify([event.name, event.props, event.value ?? null, event.items ?? null])).toString(36)}`;
}

/**
 * The outcomes `event` adds, and the last-touch state after it.
 * @param decisions - this page view's logged decisions (at most one per slot; the offer under slot `offer`).
 * @param last - per slot, the last seen or clicked decision (persisted across pages).
 */
export function attribute(
  event: TrackedEvent, decisions: readonly LoggedDecision[], last: LastTouch, timeoutMs = DEFAULT_PROFILE_OPTIONS.sessionTimeoutMs,
): { outcomes: OutcomeRecord[]; last: LastTouch } {
  const { name, ts, props, value } = event;
  const outcomes: OutcomeRecord[] = [];
  // Own keys only: a custom event named `constructor` is not an outcome. The id (a hash of the event) is made only
  // for an event that yields one: most events (page views, scrolls) do not, and hashing each cost a burst of
  // 1,000 track() calls about 5 ms of main-thread CPU.
  const direct = hasOwn(DIRECT, name) && DIRECT[name];
  if (direct) {
    const offer = name[0] === 'o';
    const decision = decisions.find((d) => d.slot === (offer ? OFFER_SLOT : props.slot) && d.variant === (offer ? props.offer : props.variant));
    if (!decision) return { outcomes, last };
    const { id: d, slot } = decision;
    // Touches past the timeout can no longer be credited: dropped, so the state stays as small as the slots in play.
    const next = dict(Object.entries(last).filter(([, touch]) => ts - touch.t <= timeoutMs));
    next[slot] = { d, t: ts };
    return { outcomes: [{ id: eventId(event), d, k: direct, t: ts }], last: next };
  }
  if (!CONVERSIONS.includes(name)) return { outcomes, last };
  const id = eventId(event);
  for (const { d, t } of Object.values(last)) {
    if (ts - t > timeoutMs) continue;
    const outcome: OutcomeRecord = { id, d, k: name as OutcomeKind, t: ts };
    // The collector accepts values from 0 to 10¹² (docs/protocol.md); another one would get the whole request refused.
    if (name !== 'conversion' && typeof value === 'number' && value >= 0 && value <= MAX_OUTCOME_VALUE) outcome.v = value;
    outcomes.push(outcome);
  }
  return { outcomes, last };
}
