/**
 * Commerce and other events declared in markup:
 * `<button data-o2o-event="add_to_cart">` inside an item element fires on
 * click; `<div data-o2o-event="purchase" data-o2o-on="load" data-o2o-value="129"
 * data-o2o-currency="EUR" data-o2o-transaction="T-1">` with item elements
 * inside fires when the page (or SPA route) loads.
 */
import { attributeNumber, dataAttribute, readItem } from './item.js';
import type { RawEvent } from './types.js';

/** The event a `data-o2o-event` element declares; items are its item ancestor or, failing that, its item descendants. */
export function markupEvent(element: Element): RawEvent | undefined {
  const name = dataAttribute(element, 'event');
  if (!name) return undefined;
  const owner = element.closest('[data-o2o-item]');
  const props: Record<string, unknown> = {};
  const event: RawEvent = { name, props, items: (owner ? [owner] : [...element.querySelectorAll('[data-o2o-item]')]).map(readItem).filter(Boolean) };
  const currency = dataAttribute(element, 'currency');
  if (currency) props.currency = currency;
  const transaction = dataAttribute(element, 'transaction');
  if (transaction) props.transactionId = transaction;
  const value = attributeNumber(element, 'value');
  if (value !== undefined) event.value = value;
  return event;
}

/** Events declared to fire on load (`data-o2o-on="load"`). */
export function loadMarkupEvents(doc: Document): RawEvent[] {
  return Array.from(doc.querySelectorAll('[data-o2o-event][data-o2o-on="load"]'), markupEvent).filter((e): e is RawEvent => !!e);
}
