/**
 * GA4-style `dataLayer` ingestion: recommended e-commerce and engagement
 * events (`view_item`, `add_to_cart`, `purchase`, … with `ecommerce.items`)
 * pushed by the site or GTM become OneToOne events, including pushes made
 * before OneToOne loaded. `push` is wrapped, never replaced: the original runs
 * first and its result is returned, so GTM keeps working.
 */
import { searchTerm } from './search.js';
import type { RawEvent } from './types.js';

/** GA4 event names that are ingested; everything else in the data layer is ignored. */
export const DATA_LAYER_EVENTS = new Set(
  'view_item view_item_list select_item view_promotion select_promotion add_to_cart remove_from_cart view_cart add_to_wishlist begin_checkout add_shipping_info add_payment_info purchase refund search login sign_up generate_lead'.split(' '),
);

type Entry = Record<string | number, unknown>;

/**
 * Reads one data-layer entry: a GTM object (`{ event, ecommerce: { items, value, currency } }`)
 * or a gtag call (`arguments` of `gtag('event', name, params)`).
 */
export function fromDataLayer(entry: unknown): RawEvent | undefined {
  // Entries are objects (or arguments); Object() reads null as {}.
  if (typeof entry !== 'object') return undefined;
  const e = Object(entry) as Entry;
  const gtag = e[0] === 'event';
  const name = (gtag ? e[1] : e.event) as string;
  // Only strings are in the set.
  if (!DATA_LAYER_EVENTS.has(name)) return undefined;
  const params = Object(gtag ? e[2] : e.ecommerce ?? e) as Entry;
  const props: Entry = {};
  const event: RawEvent = { name, props };
  if (Array.isArray(params.items)) event.items = params.items;
  if (params.value != null) event.value = params.value as number;
  if (typeof params.currency === 'string') props.currency = params.currency;
  if (params.transaction_id != null) props.transactionId = String(params.transaction_id);
  const term = searchTerm((gtag ? params : e).search_term);
  if (term) props.term = term;
  return event;
}

/** Ingests what `win[name]` already holds and everything pushed to it later. */
export function watchDataLayer(win: Window, emit: (event: RawEvent) => void, name = 'dataLayer'): void {
  const host = win as unknown as Record<string, unknown>;
  const layer = (host[name] ??= []) as unknown[] & { push: (...entries: unknown[]) => number };
  if (!Array.isArray(layer)) return;
  const ingest = (entry: unknown): void => {
    const event = fromDataLayer(entry);
    if (event) emit(event);
  };
  layer.forEach(ingest);
  const push = layer.push;
  layer.push = function (this: unknown, ...entries: unknown[]) {
    const result = push.apply(this, entries);
    entries.forEach(ingest);
    return result;
  };
}
