/**
 * Page views: one `page_view` per page load and per single-page-app route
 * change, with path, title, page type and referrer, plus a `view_item` for a
 * product page's main item.
 */
import { dataAttribute, readItem } from './item.js';
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
