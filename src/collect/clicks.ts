/**
 * Clicks: `select_item` on a tracked item, `click` on a link (host and path
 * only), and the markup events of `data-o2o-event` elements.
 */
import { markupEvent } from './commerce.js';
import { readItem } from './item.js';
import { type Emit, type Listen, urlPath } from './types.js';

/** Watches clicks under `doc`; `links` switches item and link clicks, `markup` the declared events. */
export function watchClicks(emit: Emit, on: Listen, doc: Document, links: boolean, markup: boolean): void {
  on(doc, 'click', ({ target }) => {
    const element = target as Element;
    // A click dispatched on the document or a text node has no element to read.
    if (!element.closest) return;
    const declared = element.closest('[data-o2o-event]:not([data-o2o-on])');
    if (declared || !links) {
      const event = declared && markup && markupEvent(declared);
      return event && emit(event);
    }
    const owner = element.closest('[data-o2o-item]');
    const item = owner && readItem(owner);
    if (item) return emit({ name: 'select_item', items: [item] });
    const anchor = element.closest('a[href]');
    const link = anchor && urlPath(anchor.getAttribute('href'));
    if (link) emit({ name: 'click', props: { link, outbound: !link.startsWith(location.host + '/') } });
  });
}
