/**
 * Feedback from a decided slot: `view_promotion` once it has been at least
 * half visible for one second, `select_promotion` on the first click inside
 * it, both carrying `{ slot, variant, group }` so learning can attribute them.
 *
 * A first click that follows a link in this tab would leave the page before
 * the IndexedDB write is durable and lose the click the model learns from, so
 * such a link waits (at most {@link CLICK_WAIT_MS}) for the record, as offer
 * links do. Only plain clicks nothing else handled are held: the host page's
 * handlers on the link, the document and the window run first, and a click
 * any of them prevented, a modified click, another target, a download or a
 * fragment stays the browser's.
 */
import type { Decision } from '../core/decide.js';

/** Records a feedback event through the client's record path; resolves once it is durable (or rejected). */
export type RecordFeedback = (name: string, props: Record<string, unknown>) => Promise<unknown> | void;

/** Continuous visibility that counts as an impression, ms. */
export const IMPRESSION_DWELL_MS = 1000;

/** Longest a followed slot link waits for its click to be stored before navigating, ms. */
export const CLICK_WAIT_MS = 300;

/**
 * The URL a click inside `slot` is about to load in this tab, when it is a
 * plain primary click on an http(s) link with no other target, no download,
 * no referrer or ping settings `location.assign` could not repeat, not a jump
 * within this page, and nobody prevented it; otherwise `undefined`. Throws on
 * a link without a valid URL (the caller leaves that one to the browser).
 */
function followedLink(event: MouseEvent, slot: Element): string | undefined {
  if (event.defaultPrevented || event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return undefined;
  for (const node of event.composedPath() as Element[]) {
    // The innermost control takes the click: a button inside a link is the button's.
    if (node === slot || node.matches?.('button,input,select,textarea,label,summary')) return undefined;
    if (!(node instanceof HTMLAnchorElement)) continue;
    const url = new URL(node.href);
    const target = node.getAttribute('target') ?? document.querySelector('base[target]')?.getAttribute('target');
    const jump = url.href.includes('#') && url.href.split('#')[0] === location.href.split('#')[0];
    const plain = !node.hasAttribute('download') && !node.ping && !node.referrerPolicy && !node.relList.contains('noreferrer');
    return /^https?:$/.test(url.protocol) && (!target || /^_self$/i.test(target)) && plain && !jump ? url.href : undefined;
  }
  return undefined;
}

/** Records a held click waits for, per click (nested slots each record their own). */
const held = new WeakMap<Event, Array<Promise<unknown>>>();

/**
 * Holds a followed link until every record of its click settles or
 * {@link CLICK_WAIT_MS} passes. Whether to hold is settled at the end of the
 * click's propagation (a window listener added now runs after the host's
 * own), so a router or handler on the document that takes the link over
 * keeps it.
 */
function holdLink(event: MouseEvent, slot: Element, recorded: Promise<unknown>): void {
  const records = held.get(event);
  if (records) return void records.push(recorded);
  const href = followedLink(event, slot);
  if (!href) return;
  held.set(event, [recorded]);
  const last = (e: Event): void => {
    if (e !== event) return;
    removeEventListener('click', last);
    if (event.defaultPrevented) return;
    event.preventDefault();
    const wait = new Promise((resolve) => setTimeout(resolve, CLICK_WAIT_MS));
    void Promise.race([Promise.allSettled(held.get(event) ?? []), wait]).then(() => location.assign(href)).catch(() => undefined);
  };
  addEventListener('click', last);
  // Propagation stopped before the window: the browser follows the link as before.
  setTimeout(() => removeEventListener('click', last));
}

/** What a slot's feedback events carry, so learning can attribute them. */
export const feedbackProps = (decision: Decision): Record<string, unknown> => ({ slot: decision.slot, variant: decision.variant, group: decision.group });

/**
 * Watches one decided slot element for its impression and first click (not when `clicked`: the script
 * tag's first file recorded it before the second stage arrived); returns a function that stops watching.
 */
export function observeSlotFeedback(element: Element, decision: Decision, record: RecordFeedback, clicked?: boolean): () => void {
  const props = feedbackProps(decision);
  const click = (event: Event): void => {
    try {
      const recorded = record('select_promotion', props);
      if (recorded && event instanceof MouseEvent) holdLink(event, element, recorded);
    } catch {
      // Never into the host page: an odd link is left to the browser.
    }
  };
  if (!clicked) element.addEventListener('click', click, { once: true });
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
