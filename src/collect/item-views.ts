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
  const timers = new Map<Element, ReturnType<typeof setTimeout>>();
  const inView = new Set<Element>();
  const seen = new WeakSet<Element>();
  const start = (target: Element): void => {
    if (timers.has(target) || doc.visibilityState === 'hidden') return;
    timers.set(target, setTimeout(() => {
      observer.unobserve(target);
      inView.delete(target);
      timers.delete(target);
      const item = readItem(target);
      if (item) onView(item);
    }, ITEM_VIEW_DWELL_MS));
  };
  const stop = (target: Element): void => {
    clearTimeout(timers.get(target));
    timers.delete(target);
  };
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting && entry.intersectionRatio >= ITEM_VIEW_THRESHOLD) {
          inView.add(entry.target);
          start(entry.target);
        } else {
          inView.delete(entry.target);
          stop(entry.target);
        }
      }
    },
    { threshold: [0, ITEM_VIEW_THRESHOLD, 1] },
  );
  const scan = (): void => {
    doc.querySelectorAll('[data-o2o-item]:not([data-o2o-main])').forEach((element) => {
      if (!seen.has(element)) seen.add(element), observer.observe(element);
    });
  };
  // A hidden tab is not a view: dwell restarts when the tab is visible again.
  const onVisibility = (): void => (doc.visibilityState === 'hidden' ? timers.forEach((_, target) => stop(target)) : inView.forEach(start));
  doc.addEventListener('visibilitychange', onVisibility);
  let rescan: ReturnType<typeof setTimeout> | undefined;
  const mutations = typeof MutationObserver === 'undefined' ? undefined : new MutationObserver(() => {
    clearTimeout(rescan);
    rescan = setTimeout(scan, RESCAN_MS);
  });
  mutations?.observe(doc.documentElement, { childList: true, subtree: true });
  scan();
  return () => {
    observer.disconnect();
    mutations?.disconnect();
    doc.removeEventListener('visibilitychange', onVisibility);
    timers.forEach(clearTimeout);
  };
}
