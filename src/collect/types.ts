/**
 * What every collector shares: the raw event it emits and the guarded way it
 * listens, so a collector's bug is counted instead of reaching the host page.
 */

/** A raw event, before validation. */
export interface RawEvent {
  name: string;
  props?: Record<string, unknown>;
  items?: unknown[];
  value?: number;
}

// What a collector is given: plain functions, not an object's methods, since a method's name survives minification at every call.

/** Records a raw event (validated and stored by the client). */
export type Emit = (event: RawEvent) => void;

/** Listens in the capture phase, passively; a throwing handler is counted, never rethrown. */
export type Listen = (target: EventTarget, type: string, handler: (event: Event) => void) => void;

/** Registers a callback for single-page-app route changes (before the new route's `page_view`). */
export type OnRoute = (callback: () => void) => void;

/**
 * Host and path of an http(s) URL, relative to `base` (the document's), without query or fragment (which may carry
 * tokens or e-mail addresses); `undefined` for other schemes (`mailto:`, `blob:`, …).
 */
export function urlPath(href: string | null, base = document.baseURI): string | undefined {
  try {
    const url = new URL(href ?? '', base);
    return /^https?:$/.test(url.protocol) ? url.host + url.pathname : undefined;
  } catch {
    return undefined;
  }
}
