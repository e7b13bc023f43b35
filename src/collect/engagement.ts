/**
 * Engaged time: time the tab was visible and the visitor active (a pointer,
 * key or scroll within the last {@link IDLE_MS}), reported as one
 * `user_engagement` event `{ ms }` when the tab is hidden, the page is left or
 * the SPA route changes.
 */
import type { Emit, Listen, OnRoute } from './types.js';

/** Inactivity after which time stops counting, ms. */
export const IDLE_MS = 30_000;
/** Shortest engagement worth an event, ms. */
const MIN_MS = 1000;

/**
 * The pure accumulator: call it with the time of each activity or visibility
 * change (and the tab's visibility from then on); it returns the engaged ms
 * counted so far.
 */
export function engagementClock(visible: boolean, now: number): (t: number, isVisible?: boolean) => number {
  let total = 0;
  let last = now;
  return (t, isVisible = visible) => {
    if (visible) total += Math.max(0, Math.min(t - last, IDLE_MS));
    last = t;
    visible = isVisible;
    return total;
  };
}

/** Watches activity and visibility in `doc`'s window. */
export function watchEngagement(emit: Emit, on: Listen, onRoute: OnRoute, doc: Document): void {
  const clock = engagementClock(doc.visibilityState !== 'hidden', Date.now());
  let reported = 0;
  // Reports the engaged time since the last report; a time too short for an event is dropped, not carried over.
  const report = (): void => {
    const total = clock(Date.now());
    const ms = Math.round(total - reported);
    reported = total;
    if (ms >= MIN_MS) emit({ name: 'user_engagement', props: { ms } });
  };
  for (const type of ['pointermove', 'pointerdown', 'keydown', 'scroll']) on(doc, type, () => clock(Date.now()));
  on(doc, 'visibilitychange', () => {
    const visible = doc.visibilityState !== 'hidden';
    if (!visible) report();
    clock(Date.now(), visible);
  });
  on(window, 'pagehide', report);
  onRoute(report);
}
