/**
 * Single-page-app route changes: `history.pushState`/`replaceState`,
 * `popstate` and route-like hash changes (`#/…`, `#!…`; plain anchors are not
 * routes). A burst of changes (push then replace) settles into one route.
 */

/** Time a route change waits to settle, so the new title and markup are in place. */
export const ROUTE_SETTLE_MS = 100;

/** The part of the URL that identifies a route. */
function routeOf(loc: Location): string {
  return loc.pathname + loc.search + (/^#[!/]/.test(loc.hash) ? loc.hash : '');
}

/**
 * Calls `onRoute(previousHref)` once a route change has settled. Wraps the
 * history methods (calling the originals first, returning their results).
 */
export function watchRoutes(win: Window, listen: (target: EventTarget, type: string, handler: () => void) => void, onRoute: (previousHref: string) => void): void {
  const loc = win.location;
  let route = routeOf(loc);
  let href = loc.href;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settle = (): void => {
    const previous = href;
    const next = routeOf(loc);
    href = loc.href;
    if (next === route) return;
    route = next;
    onRoute(previous);
  };
  const check = (): void => {
    clearTimeout(timer);
    timer = setTimeout(settle, ROUTE_SETTLE_MS);
  };
  const history = win.history;
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      check();
      return result;
    };
  }
  listen(win, 'popstate', check);
  listen(win, 'hashchange', check);
}
