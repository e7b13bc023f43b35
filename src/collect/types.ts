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

/** The surroundings a collector runs in. */
export interface Collector {
  /** Records a raw event (validated and stored by the client). */
  emit(event: RawEvent): void;
  /** Listens in the capture phase, passively; a throwing handler is counted, never rethrown. */
  on(target: EventTarget, type: string, handler: (event: Event) => void): void;
  /** Registers a callback for single-page-app route changes (before the new route's `page_view`). */
  onRoute(callback: () => void): void;
}

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
