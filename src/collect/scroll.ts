/**
 * Scroll depth: one `scroll` event per milestone (25, 50, 75, 100 % of the
 * page seen) per page view.
 */
import type { Emit, Listen, OnRoute } from './types.js';

/** Milestones reported, percent of the page's height seen. */
export const SCROLL_MARKS = [25, 50, 75, 100];

/** Watches the window's scroll position; measures at most every 100 ms. */
export function watchScroll(emit: Emit, on: Listen, onRoute: OnRoute, win: Window): void {
  let reached = 0;
  let pending: ReturnType<typeof setTimeout> | 0 = 0;
  const measure = (): void => {
    pending = 0;
    const height = win.document.documentElement.scrollHeight;
    // Percent of the page seen, with a 2 px tolerance for sub-pixel layouts.
    const seen = height > 0 ? ((win.scrollY + win.innerHeight + 2) / height) * 100 : 0;
    for (const mark of SCROLL_MARKS) if (mark > reached && seen >= mark) emit({ name: 'scroll', props: { percent: (reached = mark) } });
  };
  on(win, 'scroll', () => (pending ||= setTimeout(measure, 100)));
  onRoute(() => (reached = 0));
}
