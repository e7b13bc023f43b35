import { describe, expect, it } from 'vitest';
import type { TrackedEvent } from '../../src/core/events.js';
import { offerConversion } from '../../src/render/offer-conversion.js';
import { ConfigError, resolveConfig } from '../../src/config.js';

const ev = (name: string, ts: number, props: TrackedEvent['props'] = {}, value?: number): TrackedEvent => ({ name, ts, props, ...(value === undefined ? {} : { value }) });
const shown = (ts: number, offer = 'cart-saver'): TrackedEvent => ev('offer_shown', ts, { offer, group: 'personalized', strategy: 'pointer' });

describe('offer_converted', () => {
  const session = 1000;
  const purchase = ev('purchase', 2000, {}, 49);
  it.each([
    ['no offer this session', [ev('page_view', 1100)], undefined],
    ['an offer in an earlier session', [shown(900)], undefined],
    ['an offer shown this session', [shown(1100)], { offer: 'cart-saver', group: 'personalized', conversion: 'purchase' }],
    ['the latest offer wins', [shown(1100, 'a'), shown(1200, 'b')], { offer: 'b', group: 'personalized', conversion: 'purchase' }],
    ['already attributed for this name', [shown(1100), ev('offer_converted', 1500, { conversion: 'purchase' })], undefined],
    ['attributed for another name only', [shown(1100), ev('offer_converted', 1500, { conversion: 'add_to_cart' })], { offer: 'cart-saver', group: 'personalized', conversion: 'purchase' }],
    ['a new offer after an attribution', [shown(1100), ev('offer_converted', 1500, { conversion: 'purchase' }), shown(1600, 'c')], { offer: 'c', group: 'personalized', conversion: 'purchase' }],
  ] as const)('%s', (_, events, props) => {
    const result = offerConversion(events, session, purchase);
    expect(result && { ...result }).toEqual(props && { name: 'offer_converted', props, value: 49 });
  });
});

describe('dialogUrl option', () => {
  const base = 'https://shop.example/p/1';
  it.each([
    ['/static/onetoone-dialog.min.js', 'https://shop.example/static/onetoone-dialog.min.js'],
    ['https://cdn.example/o2o/onetoone-dialog.min.js', 'https://cdn.example/o2o/onetoone-dialog.min.js'],
  ])('accepts %s', (dialogUrl, expected) => {
    expect(resolveConfig({ endpoint: '/o2o', dialogUrl }, base).dialogUrl).toBe(expected);
  });
  it('defaults to the script tag folder (undefined here)', () => expect(resolveConfig({ endpoint: '/o2o' }, base).dialogUrl).toBeUndefined());
  it.each(['javascript:alert(1)', 'data:text/javascript,1', '//evil.example/x.js', '/\\evil.example/x.js', 'dialog.js', 'https://', 42, ''])('rejects %j naming the option', (dialogUrl) => {
    expect(() => resolveConfig({ endpoint: '/o2o', dialogUrl }, base)).toThrow(ConfigError);
    expect(() => resolveConfig({ endpoint: '/o2o', dialogUrl }, base)).toThrow(/"dialogUrl"/);
  });
});
