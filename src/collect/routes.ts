/**
 * Single-page-app route changes: `history.pushState`/`replaceState`,
 * `popstate` and route-like hash changes (`#/…`, `#!…`; plain anchors are not
 * routes). A burst of changes (push then replace) settles into one route.
 */
import type { Listen } from './types.js';

/** Time a route change waits to settle, so the new title and markup are in place. */
export const ROUTE_SETTLE_MS = 100;

/**
 * Calls `onRoute(previousHref)` once a route change has settled. Wraps the
 * history methods (calling the originals first, returning their results).
 */
export function watchRoutes(win: Window, listen: Listen, onRoute: (previousHref: string) => void): void {
  const loc = win.location;
  // The part of the URL that identifies a route: the hash only when route-like.
  const routeOf = (): string => loc.pathname + loc.search + (/^#[!/]/.test(loc.hash) ? loc.hash : '');
  let route = routeOf();
  let href = loc.href;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const previous = href;
      href = loc.href;
      if (route !== (route = routeOf())) onRoute(previous);
    }, ROUTE_SETTLE_MS);
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
