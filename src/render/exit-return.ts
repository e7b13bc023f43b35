/**
 * Mobile exit intent: the visitor comes back to the tab after leaving it
 * (to compare prices, or on the way out).
 */

/** Shortest time away that counts, ms. */
export const RETURN_AWAY_MS = 2000;

/** Calls `fire` when the page becomes visible again after being hidden long enough. */
export function watchTabReturn(fire: () => void): void {
  let left = 0;
  document.addEventListener('visibilitychange', (e) => {
    if (document.visibilityState === 'hidden') left = e.timeStamp;
    else if (left && e.timeStamp - left >= RETURN_AWAY_MS) fire();
  });
}
