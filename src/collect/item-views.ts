/**
 * Item views: a `view_item` once an item element has been at least half
 * visible for one second while the tab is visible (IntersectionObserver), at
 * most once per element. Items added later (lists, SPA routes) are picked up.
 */
import { type RawItem, readItem } from './item.js';

/** Minimum visible fraction for a view. */
export const ITEM_VIEW_THRESHOLD = 0.5;
/** Continuous visibility needed for a view, ms. */
export const ITEM_VIEW_DWELL_MS = 1000;
/** Delay before markup changes are scanned for new items, ms. */
const RESCAN_MS = 250;

/** Observes item elements under `doc`; returns a function that stops observing. */
export function observeItemViews(doc: Document, onView: (item: RawItem) => void): () => void {
  if (typeof IntersectionObserver === 'undefined') return () => undefined;
  // Items in view, each with its dwell timer (0 while the tab is hidden: a hidden tab is not a view).
  const inView = new Map<Element, ReturnType<typeof setTimeout> | 0>();
  const seen = new WeakSet<Element>();
  const hidden = (): boolean => doc.visibilityState === 'hidden';
  const start = (target: Element): void => {
    if (!inView.get(target)) {
      inView.set(target, hidden() ? 0 : setTimeout(() => {
        observer.unobserve(target);
        inView.delete(target);
        const item = readItem(target);
        if (item) onView(item);
      }, ITEM_VIEW_DWELL_MS));
    }
  };
  const stop = (timer: ReturnType<typeof setTimeout> | 0 | undefined, target: Element): void => {
    clearTimeout(timer);
    inView.delete(target);
  };
  const observer = new IntersectionObserver(
    // A share of at least half is intersecting: no need to read isIntersecting too.
    (entries) => entries.forEach(({ target, intersectionRatio }) => (intersectionRatio >= ITEM_VIEW_THRESHOLD ? start(target) : stop(inView.get(target), target))),
    { threshold: [0, ITEM_VIEW_THRESHOLD, 1] },
  );
  const scan = (): void =>
    doc.querySelectorAll('[data-o2o-item]:not([data-o2o-main])').forEach((element) => {
      if (!seen.has(element)) seen.add(element), observer.observe(element);
    });
  // Dwell restarts in full when the tab is visible again.
  const onVisibility = (): void => inView.forEach((timer, target) => (hidden() ? (clearTimeout(timer), inView.set(target, 0)) : start(target)));
  doc.addEventListener('visibilitychange', onVisibility);
  let rescan: ReturnType<typeof setTimeout> | undefined;
  // Every engine with IntersectionObserver has MutationObserver.
  const mutations = new MutationObserver(() => {
    clearTimeout(rescan);
    rescan = setTimeout(scan, RESCAN_MS);
  });
  mutations.observe(doc.documentElement, { childList: true, subtree: true });
  scan();
  return () => {
    observer.disconnect();
    mutations.disconnect();
    doc.removeEventListener('visibilitychange', onVisibility);
    inView.forEach(stop);
  };
}
