/**
 * Feedback from a decided slot: `view_promotion` once it has been at least
 * half visible for one second, `select_promotion` on the first click inside
 * it, both carrying `{ slot, variant, group }` so learning can attribute them.
 */
import type { Decision } from '../core/decide.js';

/** Records a feedback event through the client's record path; resolves once it is durable (or rejected). */
export type RecordFeedback = (name: string, props: Record<string, unknown>) => Promise<unknown> | void;

/** Continuous visibility that counts as an impression, ms. */
export const IMPRESSION_DWELL_MS = 1000;

/** Watches one decided slot element for its impression and first click; returns a function that stops watching. */
export function observeSlotFeedback(element: Element, decision: Decision, record: RecordFeedback): () => void {
  const props = { slot: decision.slot, variant: decision.variant, group: decision.group };
  const click = (): void => void record('select_promotion', props);
  element.addEventListener('click', click, { once: true });
  const stop = (): void => {
    element.removeEventListener('click', click);
    clearTimeout(timer);
    observer?.disconnect();
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let observer: IntersectionObserver | undefined;
  if (typeof IntersectionObserver === 'undefined') return stop;
  observer = new IntersectionObserver(
    ([entry]) => {
      clearTimeout(timer);
      if (entry && entry.intersectionRatio >= 0.5) {
        timer = setTimeout(() => {
          observer?.disconnect();
          record('view_promotion', props);
        }, IMPRESSION_DWELL_MS);
      }
    },
    { threshold: 0.5 },
  );
  observer.observe(element);
  return stop;
}
