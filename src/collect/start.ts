/**
 * Starts every switched-on collector for this page. The client calls this
 * once its profile is loaded; collectors only ever emit raw events, which the
 * client validates and stores.
 */
import type { DebugLog } from '../debug/log.js';
import { watchClicks } from './clicks.js';
import { loadMarkupEvents } from './commerce.js';
import { watchEngagement } from './engagement.js';
import { watchForms } from './forms.js';
import { observeItemViews } from './item-views.js';
import type { CollectSwitches } from './options.js';
import { pageLoadEvents } from './page-view.js';
import { watchRoutes } from './routes.js';
import { watchScroll } from './scroll.js';
import { urlSearch } from './search.js';
import type { Collector, RawEvent } from './types.js';
import { watchVideo } from './video.js';
import { watchDataLayer } from './data-layer.js';

/** What the collectors need from the client. */
export interface CollectOptions {
  collect: CollectSwitches;
  searchParam: string;
  log: DebugLog;
  /** Records one raw event. */
  record(event: RawEvent): void;
  /** The page's load events (`page_view`, main `view_item`) were recorded already (by the script tag's first file). */
  loaded?: boolean;
}

/** Starts the collectors; returns the API's `page(properties?)`, which records a page view now whatever the switches. */
export function startCollectors({ collect: on, searchParam, log, record, loaded }: CollectOptions): (properties?: Record<string, unknown>) => void {
  const tz = -new Date().getTimezoneOffset();
  // A collector's bug is counted, never thrown into the host page.
  const guard = <T>(run: (arg: T) => void) => (arg: T): void => {
    try {
      run(arg);
    } catch (error) {
      log.count('collect:failed', error);
    }
  };
  const emit = guard((event: RawEvent) => record({ ...event, tz } as RawEvent));
  const routeListeners: Array<() => void> = [];
  const c: Collector = {
    emit,
    on: (target, type, handler) => target.addEventListener(type, guard(handler), { capture: true, passive: true }),
    onRoute: (callback) => routeListeners.push(callback),
  };
  const page = (referrer?: string, recorded?: boolean): void => {
    if (!recorded) pageLoadEvents(document, location, referrer).forEach((event, i) => (i ? on.items : on.pages) && emit(event));
    if (on.commerce) loadMarkupEvents(document).forEach(emit);
    const search = on.search && urlSearch(location, searchParam);
    if (search) emit(search);
  };
  page(undefined, loaded);
  if (on.routes) watchRoutes(window, c.on, (previous) => (routeListeners.forEach((l) => l()), page(previous)));
  if (on.items) observeItemViews(document, (item) => emit({ name: 'view_item', items: [item] }));
  if (on.clicks || on.commerce) watchClicks(c, document, on.clicks, on.commerce);
  if (on.scroll) watchScroll(c, window);
  if (on.engagement) watchEngagement(c, document);
  if (on.video) watchVideo(c, document);
  if (on.forms || on.search) watchForms(c, document, on.forms, on.search, searchParam);
  // The array keeps what was pushed before the second stage arrived.
  if (on.dataLayer) watchDataLayer(window, emit);
  // The page's first event is always its page_view.
  return (properties) => emit({ name: 'page_view', props: { ...pageLoadEvents(document, location)[0]?.props, ...properties } });
}
