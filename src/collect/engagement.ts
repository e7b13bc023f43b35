/**
 * Engaged time: time the tab was visible and the visitor active (a pointer,
 * key or scroll within the last {@link IDLE_MS}), reported as one
 * `user_engagement` event `{ ms }` when the tab is hidden, the page is left or
 * the SPA route changes.
 */
import type { Collector } from './types.js';

/** Inactivity after which time stops counting, ms. */
export const IDLE_MS = 30_000;
/** Shortest engagement worth an event, ms. */
const MIN_MS = 1000;

/** The pure accumulator: feed it activity and visibility changes with their times. */
export function engagementClock(visible: boolean, now: number) {
  let total = 0;
  let last = now;
  /** Something happened at `t` (activity, a visibility change); the tab is `isVisible` from then on. */
  const tick = (t: number, isVisible = visible): void => {
    if (visible) total += Math.max(0, Math.min(t - last, IDLE_MS));
    last = t;
    visible = isVisible;
  };
  return {
    tick,
    /** Engaged ms up to `t` since the last take, and resets to zero. */
    take(t: number): number {
      tick(t);
      const ms = Math.round(total);
      total = 0;
      return ms;
    },
  };
}

/** Watches activity and visibility in `doc`'s window. */
export function watchEngagement(c: Collector, doc: Document): void {
  const clock = engagementClock(doc.visibilityState !== 'hidden', Date.now());
  const report = (): void => {
    const ms = clock.take(Date.now());
    if (ms >= MIN_MS) c.emit({ name: 'user_engagement', props: { ms } });
  };
  for (const type of ['pointerdown', 'pointermove', 'keydown', 'scroll']) c.on(doc, type, () => clock.tick(Date.now()));
  c.on(doc, 'visibilitychange', () => {
    const visible = doc.visibilityState !== 'hidden';
    if (!visible) report();
    clock.tick(Date.now(), visible);
  });
  c.on(window, 'pagehide', report);
  c.onRoute(report);
}
