/**
 * Page views: one `page_view` per page load and per single-page-app route
 * change, with path, title, page type and referrer, plus a `view_item` for a
 * product page's main item.
 */
import { dataAttribute, readItem } from './item.js';
import type { CollectSwitches } from './options.js';
import type { RawEvent } from './types.js';

export type { RawEvent } from './types.js';

/** Builds the events a page (or an SPA route) produces; `referrer` defaults to the document's. */
export function pageLoadEvents(doc: Document, loc: Location, referrer = doc.referrer): RawEvent[] {
  const pageType = dataAttribute(doc.documentElement, 'page') ?? doc.body?.getAttribute('data-o2o-page');
  const props: Record<string, unknown> = { path: loc.pathname, title: doc.title };
  if (pageType) props.pageType = pageType;
  if (referrer) props.referrer = referrer;
  const events: RawEvent[] = [{ name: 'page_view', props }];
  const main = doc.querySelector('[data-o2o-item][data-o2o-main]');
  const item = main && readItem(main);
  if (item) events.push({ name: 'view_item', items: [item] });
  return events;
}

/** The page's load events its switches let through: the `page_view` with `pages`, the main item's `view_item` with `items`. */
export function switchedLoadEvents(doc: Document, loc: Location, switches: Pick<CollectSwitches, 'pages' | 'items'>, referrer?: string): RawEvent[] {
  return pageLoadEvents(doc, loc, referrer).filter((_, i) => (i ? switches.items : switches.pages));
}

/** The API's `page(properties)`: this page's `page_view`, `properties` over what the page says; whatever the switches. */
export function pageViewEvent(doc: Document, loc: Location, properties?: object): RawEvent {
  return { name: 'page_view', props: { ...pageLoadEvents(doc, loc)[0]?.props, ...properties } };
}
