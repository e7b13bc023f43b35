/**
 * Mobile exit intent: after reading part of the page, a fast scroll back up
 * (a reach for the address bar or the back gesture).
 */

/** Share of the page that must have been read first. */
export const SCROLL_EXIT_DEPTH = 0.4;
/** Distance scrolled up within {@link SCROLL_EXIT_WINDOW_MS}, px. */
export const SCROLL_EXIT_PX = 200;
/** Time window of the fast scroll up, ms. */
export const SCROLL_EXIT_WINDOW_MS = 300;

/** Calls `fire` on a fast scroll up after reading depth. */
export function watchScrollExit(fire: () => void): void {
  let depth = 0;
  let fromY = 0;
  let fromT = 0;
  addEventListener('scroll', (e) => {
    const y = scrollY;
    depth = Math.max(depth, (y + innerHeight) / document.documentElement.scrollHeight);
    // The up-scroll is measured from where it turned; a slow one starts over.
    if (y >= fromY || e.timeStamp - fromT > SCROLL_EXIT_WINDOW_MS) {
      fromY = y;
      fromT = e.timeStamp;
    } else if (depth >= SCROLL_EXIT_DEPTH && fromY - y >= SCROLL_EXIT_PX) fire();
  }, { passive: true });
}
