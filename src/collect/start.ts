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
import { pageViewEvent, switchedLoadEvents } from './page-view.js';
import { watchRoutes } from './routes.js';
import { watchScroll } from './scroll.js';
import { urlSearch } from './search.js';
import type { Listen, RawEvent } from './types.js';
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
export function startCollectors({ collect: switches, searchParam, log, record, loaded }: CollectOptions): (properties?: Record<string, unknown>) => void {
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
  const on: Listen = (target, type, handler) => target.addEventListener(type, guard(handler), { capture: true, passive: true });
  const routeListeners: Array<() => void> = [];
  const onRoute = (callback: () => void): number => routeListeners.push(callback);
  const page = (referrer?: string, recorded?: boolean): void => {
    if (!recorded) switchedLoadEvents(document, location, switches, referrer).forEach(emit);
    if (switches.commerce) loadMarkupEvents(document).forEach(emit);
    const search = switches.search && urlSearch(location, searchParam);
    if (search) emit(search);
  };
  page(undefined, loaded);
  if (switches.routes) watchRoutes(window, on, (previous) => (routeListeners.forEach((l) => l()), page(previous)));
  if (switches.items) observeItemViews(document, (item) => emit({ name: 'view_item', items: [item] }));
  if (switches.clicks || switches.commerce) watchClicks(emit, on, document, switches.clicks, switches.commerce);
  if (switches.scroll) watchScroll(emit, on, onRoute, window);
  if (switches.engagement) watchEngagement(emit, on, onRoute, document);
  if (switches.video) watchVideo(emit, on, document);
  if (switches.forms || switches.search) watchForms(emit, on, document, switches.forms, switches.search, searchParam);
  // The array keeps what was pushed before the second stage arrived.
  if (switches.dataLayer) watchDataLayer(window, emit);
  // The page's first event is always its page_view.
  return (properties) => emit(pageViewEvent(document, location, properties));
}
