/**
 * Item views: a `view_item` once an item element has been at least half
 * visible for one second (IntersectionObserver), at most once per element.
 */
import { type RawItem, readItem } from './item.js';

/** Minimum visible fraction for a view. */
export const ITEM_VIEW_THRESHOLD = 0.5;
/** Continuous visibility needed for a view, ms. */
export const ITEM_VIEW_DWELL_MS = 1000;

/** Observes item elements under `root`; returns a function that stops observing. */
export function observeItemViews(root: ParentNode, onView: (item: RawItem) => void): () => void {
  if (typeof IntersectionObserver === 'undefined') return () => undefined;
  const timers = new Map<Element, ReturnType<typeof setTimeout>>();
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const visible = entry.isIntersecting && entry.intersectionRatio >= ITEM_VIEW_THRESHOLD;
        const timer = timers.get(entry.target);
        if (visible && timer === undefined) {
          timers.set(entry.target, setTimeout(() => {
            observer.unobserve(entry.target);
            const item = readItem(entry.target);
            if (item) onView(item);
          }, ITEM_VIEW_DWELL_MS));
        } else if (!visible && timer !== undefined) {
          clearTimeout(timer);
          timers.delete(entry.target);
        }
      }
    },
    { threshold: [0, ITEM_VIEW_THRESHOLD, 1] },
  );
  root.querySelectorAll('[data-o2o-item]:not([data-o2o-main])').forEach((element) => observer.observe(element));
  return () => {
    observer.disconnect();
    timers.forEach(clearTimeout);
  };
}
