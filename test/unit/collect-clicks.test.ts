/**
 * Clicks and markup commerce: select_item on tracked items, link clicks as
 * host and path only (http(s) only), data-o2o-event elements on click, and
 * data-o2o-on="load" events with value, currency, transaction id and items.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchClicks } from '../../src/collect/clicks.js';
import { loadMarkupEvents, markupEvent } from '../../src/collect/commerce.js';
import { type Recorder, recorder } from './collect-helpers.js';

const click = (selector: string) => (document.querySelector(selector) as HTMLElement).dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
// happy-dom follows links; the page under test stays put (the collector listens in the capture phase before this).
document.addEventListener('click', (event) => event.preventDefault());

describe('clicks', () => {
  let r: Recorder;
  beforeEach(() => {
    history.replaceState(null, '', 'http://localhost:3000/shop');
    document.body.innerHTML = `
      <article data-o2o-item="sku-1" data-o2o-category="Tents" data-o2o-brand="Ridge" data-o2o-price="199" data-o2o-tags="2p,light">
        <a id="item-link" href="/p/sku-1?ref=list"><span id="inner">Tent</span></a>
        <button id="add" data-o2o-event="add_to_cart" data-o2o-value="199" data-o2o-currency="EUR">Add</button>
        <div id="load-declared" data-o2o-event="purchase" data-o2o-on="load">x</div>
      </article>
      <a id="internal" href="/about?token=SECRET#team">About</a>
      <a id="outbound" href="https://other.example/page?email=a@b.c">Partner</a>
      <a id="mail" href="mailto:shop@example.com">Mail</a>
      <a id="js" href="javascript:void(0)">JS</a>
      <a id="tel" href="tel:+49123">Call</a>
      <a id="relative" href="sub/page">Sub</a>
      <p id="plain">text</p>`;
    r = recorder();
  });
  afterEach(() => r.dispose());

  const item = { id: 'sku-1', category: 'Tents', brand: 'Ridge', price: 199, tags: ['2p', 'light'] };
  const cases: Array<[string, string, unknown[]]> = [
    ['an element inside a tracked item', '#inner', [{ name: 'select_item', items: [item] }]],
    ['a link inside a tracked item counts as the item', '#item-link', [{ name: 'select_item', items: [item] }]],
    ['an internal link: host and path, no query or fragment', '#internal', [{ name: 'click', props: { link: 'localhost:3000/about', outbound: false } }]],
    ['an outbound link', '#outbound', [{ name: 'click', props: { link: 'other.example/page', outbound: true } }]],
    ['a relative link', '#relative', [{ name: 'click', props: { link: 'localhost:3000/sub/page', outbound: false } }]],
    ['a mailto: link is not recorded', '#mail', []],
    ['a javascript: link is not recorded', '#js', []],
    ['a tel: link is not recorded', '#tel', []],
    ['plain text', '#plain', []],
    ['a declared add_to_cart', '#add', [{ name: 'add_to_cart', value: 199, props: { currency: 'EUR' }, items: [item] }]],
    ['a load-declared element is no click event (falls back to its item)', '#load-declared', [{ name: 'select_item', items: [item] }]],
  ];
  it.each(cases)('%s', (_label, selector, expected) => {
    watchClicks(r.emit, r.on, document, true, true);
    click(selector);
    expect(r.events).toEqual(expected);
  });

  it('records no item or link clicks when clicks are off, but still declared events', () => {
    watchClicks(r.emit, r.on, document, false, true);
    click('#inner');
    click('#outbound');
    click('#add');
    expect(r.events.map((e) => e.name)).toEqual(['add_to_cart']);
  });

  it('records no declared events when commerce is off, and does not turn them into item clicks', () => {
    watchClicks(r.emit, r.on, document, true, false);
    click('#add');
    expect(r.events).toEqual([]);
  });

  it('ignores clicks on non-elements', () => {
    watchClicks(r.emit, r.on, document, true, true);
    document.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(r.events).toEqual([]);
    expect(r.errors).toEqual([]);
  });
});

describe('markup commerce', () => {
  afterEach(() => (document.body.innerHTML = ''));

  it('reads a purchase declared on load: value, currency, transaction id and the items inside', () => {
    document.body.innerHTML = `
      <div data-o2o-event="purchase" data-o2o-on="load" data-o2o-value="129.90" data-o2o-currency="EUR" data-o2o-transaction="T-1">
        <li data-o2o-item="a" data-o2o-price="100" data-o2o-quantity="1"></li>
        <li data-o2o-item="b" data-o2o-price="14.95" data-o2o-quantity="2"></li>
      </div>
      <button data-o2o-event="add_to_cart">not on load</button>`;
    expect(loadMarkupEvents(document)).toEqual([
      { name: 'purchase', value: 129.9, props: { currency: 'EUR', transactionId: 'T-1' }, items: [{ id: 'a', price: 100, quantity: 1 }, { id: 'b', price: 14.95, quantity: 2 }] },
    ]);
  });

  const cases: Array<[string, string, unknown]> = [
    ['no value when the value is not a number', '<div data-o2o-event="begin_checkout" data-o2o-value="n/a"></div>', { name: 'begin_checkout', props: {}, items: [] }],
    ['an empty event name is nothing', '<div data-o2o-event=""></div>', undefined],
    ['items without an id are skipped', '<div data-o2o-event="view_cart"><i data-o2o-item=""></i><i data-o2o-item="x"></i></div>', { name: 'view_cart', props: {}, items: [{ id: 'x' }] }],
    ['the item ancestor wins over descendants', '<div data-o2o-item="outer"><button data-o2o-event="remove_from_cart"><i data-o2o-item="inner"></i></button></div>', { name: 'remove_from_cart', props: {}, items: [{ id: 'outer' }] }],
  ];
  it.each(cases)('%s', (_label, html, expected) => {
    document.body.innerHTML = html;
    expect(markupEvent(document.querySelector('[data-o2o-event]') as Element)).toEqual(expected);
  });
});
