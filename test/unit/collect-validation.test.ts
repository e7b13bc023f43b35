/**
 * Every validation rule of `validateEvent`, as data: what is rejected (and
 * why), what is capped, dropped or normalized. Complements events.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { EVENT_LIMITS, type TrackedEvent, validateEvent } from '../../src/core/events.js';

const NOW = 1_700_000_000_000;
const ok = (raw: unknown): TrackedEvent => {
  const result = validateEvent(raw, NOW);
  if (!result.ok) throw new Error('rejected: ' + result.reason);
  return result.event;
};

describe('rejections', () => {
  const cases: Array<[string, unknown, string]> = [
    ['null', null, 'not-object'],
    ['a function', () => 1, 'not-object'],
    ['a DOM element', document.createElement('div'), 'not-object'],
    ['name with a space', { name: 'add to cart' }, 'bad-name'],
    ['name starting with a digit', { name: '1st' }, 'bad-name'],
    ['name with a dash', { name: 'add-to-cart' }, 'bad-name'],
    ['name not a string', { name: 42 }, 'bad-name'],
    ['empty name', { name: '' }, 'bad-name'],
    ['ts as a string', { name: 'x', ts: '1700000000000' }, 'bad-timestamp'],
    ['infinite ts', { name: 'x', ts: Infinity }, 'bad-timestamp'],
    ['items as a string', { name: 'x', items: 'sku-1' }, 'bad-items'],
    ['value not numeric', { name: 'x', value: 'ten' }, 'bad-value'],
    ['value NaN', { name: 'x', value: NaN }, 'bad-value'],
    ['value above 1e9', { name: 'x', value: 1e9 + 1 }, 'bad-value'],
    ['value as an object', { name: 'x', value: { amount: 1 } }, 'bad-value'],
    ['props as a string', { name: 'x', props: 'a=1' }, 'bad-props'],
    ['props as a Map', { name: 'x', props: new Map([['a', 1]]) }, 'bad-props'],
    ['props as null', { name: 'x', props: null }, 'bad-props'],
  ];
  it.each(cases)('%s → %s', (_label, raw, reason) => {
    expect(validateEvent(raw, NOW)).toEqual({ ok: false, reason });
  });
});

describe('accepted and normalized', () => {
  it('uses now when ts is absent, and floors a given ts', () => {
    expect(ok({ name: 'x' }).ts).toBe(NOW);
    expect(ok({ name: 'x', ts: 123.9 }).ts).toBe(123);
  });

  it('accepts a name at the length limit', () => {
    expect(ok({ name: 'a'.repeat(EVENT_LIMITS.nameLength) }).name).toHaveLength(EVENT_LIMITS.nameLength);
  });

  const tz: Array<[unknown, number | undefined]> = [[120, 120], [-570, -570], [16 * 60, 960], [16 * 60 + 1, undefined], ['60', undefined], [NaN, undefined]];
  it.each(tz)('tz %j → %j', (value, expected) => {
    expect(ok({ name: 'x', tz: value }).tz).toBe(expected);
  });

  it('coerces a numeric string value, accepts zero', () => {
    expect(ok({ name: 'x', value: '19.90' }).value).toBe(19.9);
    expect(ok({ name: 'x', value: 0 }).value).toBe(0);
  });

  const items: Array<[string, unknown, unknown]> = [
    ['numeric id becomes a string', { id: 7 }, { id: '7' }],
    ['ids and labels are trimmed and capped at 64', { id: ` ${'i'.repeat(80)} `, category: 'c'.repeat(80) }, { id: 'i'.repeat(64), category: 'c'.repeat(64) }],
    ['category and brand are lower-cased', { id: 'a', category: 'Tents', brand: 'RIDGE' }, { id: 'a', category: 'tents', brand: 'ridge' }],
    ['GA4 names', { item_id: 'a', item_category: 'X', item_brand: 'Y' }, { id: 'a', category: 'x', brand: 'y' }],
    ['negative price is dropped', { id: 'a', price: -1 }, { id: 'a' }],
    ['price as a numeric string', { id: 'a', price: '9.5' }, { id: 'a', price: 9.5 }],
    ['quantity is floored and capped', { id: 'a', quantity: 2.7 }, { id: 'a', quantity: 2 }],
    ['huge quantity is capped at 10,000', { id: 'a', quantity: 1e9 }, { id: 'a', quantity: 10_000 }],
    ['zero quantity is dropped', { id: 'a', quantity: 0 }, { id: 'a' }],
    ['tags: trimmed, lower-cased, non-strings dropped', { id: 'a', tags: [' Trail ', 5, 'WATERPROOF', ''] }, { id: 'a', tags: ['trail', 'waterproof'] }],
    ['tags capped at 20', { id: 'a', tags: Array.from({ length: 30 }, (_, i) => 't' + i) }, { id: 'a', tags: Array.from({ length: EVENT_LIMITS.tagCount }, (_, i) => 't' + i) }],
    ['unknown fields are dropped', { id: 'a', secret: 'x', fn: () => 1 }, { id: 'a' }],
  ];
  it.each(items)('item: %s', (_label, item, expected) => {
    expect(ok({ name: 'view_item', items: [item] }).items).toEqual([expected]);
  });

  it('drops invalid items and caps the list at 50', () => {
    expect(ok({ name: 'x', items: [null, 'a', { name: 'no id' }, { id: '' }] }).items).toBeUndefined();
    expect(ok({ name: 'x', items: Array.from({ length: 80 }, (_, i) => ({ id: 'i' + i })) }).items).toHaveLength(EVENT_LIMITS.arrayLength);
  });

  const props: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['strings capped at 256', { s: 'x'.repeat(300) }, { s: 'x'.repeat(EVENT_LIMITS.stringLength) }],
    ['keys longer than 64 dropped', { ['k'.repeat(65)]: 1, ok: 1 }, { ok: 1 }],
    ['arrays capped at 50', { a: Array.from({ length: 60 }, (_, i) => i) }, { a: Array.from({ length: 50 }, (_, i) => i) }],
    ['null kept, undefined dropped', { n: null, u: undefined }, { n: null }],
    ['DOM nodes, functions, symbols, bigints dropped', { el: document.body, f: () => 1, s: Symbol('s'), b: BigInt(1) }, {}],
    ['Dates, Maps, Sets and class instances dropped', { d: new Date(0), m: new Map(), set: new Set([1]), e: new Error('x') }, {}],
    ['NaN and Infinity dropped', { a: NaN, b: -Infinity, c: 1.5 }, { c: 1.5 }],
    ['array elements that cannot be kept are skipped', { a: [1, () => 1, 'two', undefined] }, { a: [1, 'two'] }],
    ['objects without prototype are kept', { o: Object.assign(Object.create(null), { x: 1 }) }, { o: { x: 1 } }],
    ['nesting deeper than 3 is cut', { a: [[[1]]] }, { a: [[]] }],
    ['prototype keys dropped', JSON.parse('{"constructor":1,"prototype":2,"__proto__":{"x":1},"ok":true}'), { ok: true }],
  ];
  it.each(props)('props: %s', (_label, input, expected) => {
    expect(ok({ name: 'x', props: input }).props).toEqual(expected);
  });

  it('counts the property cap on kept properties only', () => {
    const input: Record<string, unknown> = { f: () => 1 };
    for (let i = 0; i < 30; i++) input['k' + i] = i;
    const out = ok({ name: 'x', props: input }).props;
    expect(Object.keys(out)).toHaveLength(EVENT_LIMITS.propertyCount);
    expect(out).not.toHaveProperty('f');
  });

  it('keeps a lone high surrogate out, keeps valid pairs', () => {
    expect(ok({ name: 'x', props: { a: 'ok \uD83D\uDE00', b: '\uDE00x', c: 'x\uD83D' } }).props).toEqual({ a: 'ok \uD83D\uDE00', b: '\uFFFDx', c: 'x\uFFFD' });
  });

  it('never throws on hostile getters or proxies', () => {
    const getter = { name: 'x', props: { get boom() { throw new Error('boom'); } } };
    expect(validateEvent(getter, NOW)).toEqual({ ok: false, reason: 'unreadable' });
    const trap = new Proxy({}, { getPrototypeOf() { throw new Error('trap'); } });
    expect(validateEvent(trap, NOW)).toEqual({ ok: false, reason: 'unreadable' });
    const item = { name: 'x', items: [{ get id() { throw new Error('id'); } }] };
    expect(validateEvent(item, NOW)).toEqual({ ok: false, reason: 'unreadable' });
  });
});
