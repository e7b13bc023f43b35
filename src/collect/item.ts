/**
 * Items declared in markup:
 * `<article data-o2o-item="sku-1" data-o2o-category="running" data-o2o-brand="acme" data-o2o-price="89" data-o2o-tags="trail,waterproof">`
 * (`data-o2o-quantity` for cart and order lines).
 */

import type { Item } from '../core/events.js';

/** An item as read from markup: the shape of {@link Item}, not yet validated. */
export type RawItem = Item;

/** Reads a numeric `data-o2o-<name>` attribute; `undefined` when absent or not a number. */
export function attributeNumber(element: Element, name: string): number | undefined {
  const value = parseFloat(element.getAttribute('data-o2o-' + name) ?? '');
  return Number.isFinite(value) ? value : undefined;
}

/** Reads an element's `data-o2o-*` item attributes. */
export function readItem(element: Element): RawItem | undefined {
  const id = element.getAttribute('data-o2o-item');
  if (!id) return undefined;
  const item: RawItem = { id };
  const category = element.getAttribute('data-o2o-category');
  if (category) item.category = category;
  const brand = element.getAttribute('data-o2o-brand');
  if (brand) item.brand = brand;
  const price = attributeNumber(element, 'price');
  if (price !== undefined) item.price = price;
  const quantity = attributeNumber(element, 'quantity');
  if (quantity !== undefined) item.quantity = quantity;
  const tags = element.getAttribute('data-o2o-tags');
  if (tags) item.tags = tags.split(',');
  return item;
}
