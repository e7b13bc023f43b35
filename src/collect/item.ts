/**
 * Items declared in markup:
 * `<article data-o2o-item="sku-1" data-o2o-category="running" data-o2o-brand="acme" data-o2o-price="89" data-o2o-tags="trail,waterproof">`
 * (`data-o2o-quantity` for cart and order lines).
 */

import type { Item } from '../core/events.js';

/** An item as read from markup: the shape of {@link Item}, not yet validated. */
export type RawItem = Item;

/** Reads a `data-o2o-<name>` attribute; `null` when absent. */
export const dataAttribute = (element: Element, name: string): string | null => element.getAttribute('data-o2o-' + name);

/** Reads a numeric `data-o2o-<name>` attribute; `undefined` when absent or not a number. */
export function attributeNumber(element: Element, name: string): number | undefined {
  // parseFloat(null) is NaN, as for any text that is not a number.
  const value = parseFloat(dataAttribute(element, name) as string);
  return Number.isFinite(value) ? value : undefined;
}

/** Reads an element's `data-o2o-*` item attributes. */
export function readItem(element: Element): RawItem | undefined {
  const id = dataAttribute(element, 'item');
  if (!id) return undefined;
  const item: RawItem = { id };
  for (const key of ['category', 'brand'] as const) {
    const text = dataAttribute(element, key);
    if (text) item[key] = text;
  }
  for (const key of ['price', 'quantity'] as const) {
    const value = attributeNumber(element, key);
    if (value !== undefined) item[key] = value;
  }
  const tags = dataAttribute(element, 'tags');
  if (tags) item.tags = tags.split(',');
  return item;
}
