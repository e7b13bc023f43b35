/**
 * The page's lifecycle as storage sees it. A page entering the back/forward
 * cache (`pagehide` with `persisted`) or frozen (`freeze`) must hold no
 * IndexedDB transaction: its events are not delivered while it sleeps, so a
 * transaction left open blocks every other page of the site (WebKit: the next
 * page's reads hang). Storage is suspended then and resumed on `pageshow`
 * with `persisted` or `resume`, when `restored` runs so the client can reload
 * what other pages changed meanwhile.
 */

/** What the lifecycle drives. */
export interface Suspendable {
  suspend?(): void;
  resume?(): void;
}

/**
 * Suspends `store()` (read at each event: the client swaps stores on consent)
 * when the page is cached or frozen, resumes it when the page runs again and
 * then calls `restored`. Registered in capture phase as early as storage
 * opens, so it runs before the page's other `pagehide` listeners queue writes.
 */
export function watchPageLifecycle(target: Window, store: () => Suspendable, restored: () => void): void {
  let asleep = false;
  const sleep = (): void => {
    asleep = true;
    store().suspend?.();
  };
  const wake = (): void => {
    if (!asleep) return;
    asleep = false;
    store().resume?.();
    restored();
  };
  const options = { capture: true };
  target.addEventListener('pagehide', (event) => (event as PageTransitionEvent).persisted && sleep(), options);
  target.addEventListener('pageshow', (event) => (event as PageTransitionEvent).persisted && wake(), options);
  target.document.addEventListener('freeze', sleep, options);
  target.document.addEventListener('resume', wake, options);
}
