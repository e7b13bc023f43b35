/**
 * GA4 dataLayer ingestion: GTM objects and gtag `arguments`, pushes made
 * before OneToOne loaded, push's return value, and GTM's own push wrapper,
 * whether it was installed before or after OneToOne's.
 */
import { describe, expect, it } from 'vitest';
import { DATA_LAYER_EVENTS, fromDataLayer, watchDataLayer } from '../../src/collect/data-layer.js';
import type { RawEvent } from '../../src/collect/types.js';

/** gtag() pushes its `arguments` object, not an array. */
function gtagArgs(..._args: unknown[]): IArguments {
  // eslint-disable-next-line prefer-rest-params
  return arguments;
}

type Layer = unknown[] & { push: (...entries: unknown[]) => number };
const host = (layer?: unknown): Window => ({ dataLayer: layer }) as unknown as Window;

describe('dataLayer entries', () => {
  const item = { item_id: 'sku-1', item_name: 'Tent', item_category: 'Tents', price: 199, quantity: 1 };
  const cases: Array<[string, unknown, RawEvent | undefined]> = [
    ['GTM view_item', { event: 'view_item', ecommerce: { currency: 'EUR', value: 199, items: [item] } }, { name: 'view_item', value: 199, items: [item], props: { currency: 'EUR' } }],
    ['GTM purchase with a numeric transaction id', { event: 'purchase', ecommerce: { transaction_id: 1001, value: 20, items: [] } }, { name: 'purchase', value: 20, items: [], props: { transactionId: '1001' } }],
    ['ecommerce fields at the top level', { event: 'add_to_cart', value: 5, currency: 'USD', items: [item] }, { name: 'add_to_cart', value: 5, items: [item], props: { currency: 'USD' } }],
    ['GTM search', { event: 'search', search_term: 'Tents' }, { name: 'search', props: { term: 'tents' } }],
    ['gtag purchase', gtagArgs('event', 'purchase', { transaction_id: 'T-9', value: 42, currency: 'EUR', items: [item] }), { name: 'purchase', value: 42, items: [item], props: { currency: 'EUR', transactionId: 'T-9' } }],
    ['gtag search masks e-mails', gtagArgs('event', 'search', { search_term: 'me@x.de' }), { name: 'search', props: { term: '[email]' } }],
    ['gtag event without params', gtagArgs('event', 'view_cart'), { name: 'view_cart', props: {} }],
    ['gtag config is ignored', gtagArgs('config', 'G-XXXX'), undefined],
    ['gtag js is ignored', gtagArgs('js', new Date(0)), undefined],
    ['GTM internal events are ignored', { event: 'gtm.dom' }, undefined],
    ['non-GA4 event names are ignored', { event: 'customClick' }, undefined],
    ['the ecommerce reset is ignored', { ecommerce: null }, undefined],
    ['strings are ignored', 'view_item', undefined],
    ['null is ignored', null, undefined],
    ['functions (GTM runs pushed functions) are ignored, whatever their properties', Object.assign(() => undefined, { event: 'purchase' }), undefined],
    ['items that are not an array are left out', { event: 'view_item', ecommerce: { items: 'sku-1' } }, { name: 'view_item', props: {} }],
  ];
  it.each(cases)('%s', (_label, entry, expected) => {
    expect(fromDataLayer(entry)).toEqual(expected);
  });

  it('knows the GA4 recommended e-commerce events', () => {
    for (const name of ['view_item', 'view_item_list', 'select_item', 'add_to_cart', 'remove_from_cart', 'begin_checkout', 'purchase', 'refund', 'search']) expect(DATA_LAYER_EVENTS.has(name)).toBe(true);
  });
});

describe('watchDataLayer', () => {
  it('ingests pushes made before it loaded, in order, then later pushes', () => {
    const layer = [{ event: 'gtm.js' }, { event: 'view_item', ecommerce: { items: [{ item_id: 'a' }] } }, gtagArgs('event', 'add_to_cart', { value: 3 })];
    const win = host(layer);
    const seen: string[] = [];
    watchDataLayer(win, (e) => seen.push(e.name));
    expect(seen).toEqual(['view_item', 'add_to_cart']);
    (win as unknown as { dataLayer: Layer }).dataLayer.push({ event: 'purchase', ecommerce: { value: 3 } });
    expect(seen).toEqual(['view_item', 'add_to_cart', 'purchase']);
  });

  it('creates the dataLayer when the page has none, and uses a configured name', () => {
    const win = {} as Window;
    const seen: string[] = [];
    watchDataLayer(win, (e) => seen.push(e.name), 'shopLayer');
    const layer = (win as unknown as { shopLayer: Layer }).shopLayer;
    expect(Array.isArray(layer)).toBe(true);
    expect(layer.push({ event: 'view_cart' }, { event: 'begin_checkout' })).toBe(2);
    expect(seen).toEqual(['view_cart', 'begin_checkout']);
  });

  it("keeps push's return value and the entries in the array", () => {
    const win = host([{ event: 'gtm.js' }]);
    watchDataLayer(win, () => undefined);
    const layer = (win as unknown as { dataLayer: Layer }).dataLayer;
    expect(layer.push({ event: 'view_item' })).toBe(2);
    expect(layer).toHaveLength(2);
  });

  it("wraps GTM's push installed before it: GTM still processes every entry and its result is returned", () => {
    const layer = [] as unknown as Layer;
    const gtmSaw: unknown[] = [];
    layer.push = function (this: unknown[], ...entries: unknown[]) {
      gtmSaw.push(...entries);
      return Array.prototype.push.apply(this, entries) + 1000; // GTM's own return value
    };
    const seen: string[] = [];
    watchDataLayer(host(layer), (e) => seen.push(e.name));
    expect(layer.push({ event: 'add_to_cart' })).toBe(1001);
    expect(gtmSaw).toEqual([{ event: 'add_to_cart' }]);
    expect(seen).toEqual(['add_to_cart']);
  });

  it('keeps ingesting when GTM wraps our push after it loaded', () => {
    const win = host([]);
    const seen: string[] = [];
    watchDataLayer(win, (e) => seen.push(e.name));
    const layer = (win as unknown as { dataLayer: Layer }).dataLayer;
    const ours = layer.push;
    const gtmSaw: unknown[] = [];
    layer.push = function (this: unknown, ...entries: unknown[]) {
      gtmSaw.push(...entries);
      return ours.apply(this, entries);
    };
    expect(layer.push({ event: 'purchase', ecommerce: { value: 9 } })).toBe(1);
    expect(gtmSaw).toHaveLength(1);
    expect(seen).toEqual(['purchase']);
  });

  it('leaves a dataLayer that is not an array alone', () => {
    const odd = { push: () => 7 };
    const win = host(odd);
    expect(() => watchDataLayer(win, () => undefined)).not.toThrow();
    expect((win as unknown as { dataLayer: typeof odd }).dataLayer.push()).toBe(7);
  });
});
