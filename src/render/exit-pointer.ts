/**
 * Desktop exit intent: the pointer leaves the page through the top edge
 * (toward the tab strip and the address bar) while moving upward.
 */

/** Slowest upward pointer speed that counts, px/ms (200 px/s). */
export const POINTER_EXIT_SPEED = 0.2;

/** Calls `fire` when the pointer leaves through the top with upward speed. */
export function watchPointerExit(fire: () => void): void {
  let y = 0;
  let t = 0;
  let speed = 0;
  document.addEventListener('mousemove', (e) => {
    speed = (y - e.clientY) / Math.max(1, e.timeStamp - t);
    y = e.clientY;
    t = e.timeStamp;
  }, { passive: true });
  document.addEventListener('mouseout', (e) => {
    if (!e.relatedTarget && e.clientY <= 0 && speed >= POINTER_EXIT_SPEED) fire();
  });
}
