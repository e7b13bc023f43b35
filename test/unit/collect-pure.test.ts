import { describe, expect, it } from 'vitest';
import { referrerClass } from '../../src/collect/context.js';
import { fromDataLayer } from '../../src/collect/data-layer.js';
import { IDLE_MS, engagementClock } from '../../src/collect/engagement.js';
import { fieldNames } from '../../src/collect/forms.js';
import { resolveCollect } from '../../src/collect/options.js';
import { searchTerm } from '../../src/collect/search.js';
import { resolveConfig } from '../../src/config.js';

describe('collect option', () => {
  it('accepts booleans, objects and lists, and names the option when wrong', () => {
    expect(resolveCollect(false)?.video).toBe(false);
    expect(resolveCollect('-video,-forms')).toMatchObject({ video: false, forms: false, pages: true });
    expect(resolveCollect('pages items')).toMatchObject({ pages: true, items: true, video: false });
    expect(resolveCollect({ scroll: false })).toMatchObject({ scroll: false, clicks: true });
    expect(resolveCollect('videos')).toBeUndefined();
    expect(() => resolveConfig({ endpoint: '/o2o', collect: { video: 'no' } })).toThrow(/invalid option "collect"/);
    expect(() => resolveConfig({ endpoint: '/o2o', searchParam: 'a b' })).toThrow(/invalid option "searchParam"/);
  });
});

describe('dataLayer entries', () => {
  it('maps GTM objects and gtag arguments, ignores everything else', () => {
    expect(fromDataLayer({ event: 'add_to_cart', ecommerce: { value: 5, currency: 'EUR', items: [{ item_id: 'a' }] } })).toEqual({ name: 'add_to_cart', value: 5, items: [{ item_id: 'a' }], props: { currency: 'EUR' } });
    const args = (function (..._a: unknown[]) {
      // eslint-disable-next-line prefer-rest-params
      return arguments;
    })('event', 'search', { search_term: ' Tents ' });
    expect(fromDataLayer(args)).toEqual({ name: 'search', props: { term: 'tents' } });
    expect(fromDataLayer({ event: 'gtm.load' })).toBeUndefined();
    expect(fromDataLayer({ ecommerce: null })).toBeUndefined();
    expect(fromDataLayer('view_item')).toBeUndefined();
  });
});

describe('context', () => {
  const p = (q: string) => new URLSearchParams(q);
  it('classifies referrers, campaign tagging first', () => {
    expect(referrerClass('', 'shop.test', p(''))).toBe('direct');
    expect(referrerClass('https://shop.test/a', 'shop.test', p(''))).toBe('internal');
    expect(referrerClass('https://www.google.de/', 'shop.test', p(''))).toBe('search');
    expect(referrerClass('https://t.co/x', 'shop.test', p(''))).toBe('social');
    expect(referrerClass('https://mail.google.com/', 'shop.test', p(''))).toBe('email');
    expect(referrerClass('https://www.google.de/', 'shop.test', p('gclid=1'))).toBe('paid');
    expect(referrerClass('', 'shop.test', p('utm_medium=newsletter'))).toBe('email');
    expect(referrerClass('https://blog.example/', 'shop.test', p(''))).toBe('other');
  });
});

describe('engaged time', () => {
  it('counts visible, active time only', () => {
    const clock = engagementClock(true, 0);
    clock(1000);
    clock(2000, false);
    clock(9000); // hidden: not counted
    clock(10_000, true);
    clock(10_500);
    expect(clock(11_000)).toBe(3000);
    expect(clock(11_000 + IDLE_MS * 3) - 3000).toBe(IDLE_MS);
  });
});

describe('privacy', () => {
  it('reads form field names, never values, and masks e-mails in search terms', () => {
    document.body.innerHTML = '<form><input name="email" value="a@b.c"><input name="email"><textarea name="note">secret</textarea><input value="x"></form>';
    expect(fieldNames(document.querySelector('form') as Element)).toEqual(['email', 'note']);
    expect(searchTerm('Send to Jane@Example.com now')).toBe('send to [email] now');
    expect(searchTerm('   ')).toBeUndefined();
  });
});
