/**
 * Page views: one `page_view` per page load with path, title, page type and
 * referrer, plus a `view_item` for a product page's main item.
 */
import { readItem } from './item.js';

/** A raw event, before validation. */
export interface RawEvent {
  name: string;
  props?: Record<string, unknown>;
  items?: unknown[];
  value?: number;
}

/** Builds the events a page load produces. */
export function pageLoadEvents(doc: Document, loc: Location): RawEvent[] {
  const pageType = doc.documentElement.getAttribute('data-o2o-page') ?? doc.body?.getAttribute('data-o2o-page') ?? undefined;
  const props: Record<string, unknown> = { path: loc.pathname, title: doc.title };
  if (pageType) props.pageType = pageType;
  if (doc.referrer) props.referrer = doc.referrer;
  const events: RawEvent[] = [{ name: 'page_view', props }];
  const main = doc.querySelector<HTMLElement>('[data-o2o-item][data-o2o-main]');
  const item = main ? readItem(main) : undefined;
  if (item) events.push({ name: 'view_item', items: [item] });
  return events;
}
