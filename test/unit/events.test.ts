import { describe, expect, it } from 'vitest';
import { EVENT_LIMITS, isSignature, validateEvent } from '../../src/core/events.js';

const NOW = 1_700_000_000_000;

describe('validateEvent', () => {
  const rejected: Array<[string, unknown, string]> = [
    ['not an object', 'page_view', 'not-object'],
    ['array', [], 'not-object'],
    ['missing name', {}, 'bad-name'],
    ['uppercase name', { name: 'PageView' }, 'bad-name'],
    ['name too long', { name: 'a'.repeat(EVENT_LIMITS.nameLength + 1) }, 'bad-name'],
    ['negative ts', { name: 'x', ts: -1 }, 'bad-timestamp'],
    ['NaN ts', { name: 'x', ts: NaN }, 'bad-timestamp'],
    ['items not array', { name: 'x', items: {} }, 'bad-items'],
    ['negative value', { name: 'x', value: -5 }, 'bad-value'],
    ['props not object', { name: 'x', props: [1] }, 'bad-props'],
    ['class instance', new Date(), 'not-object'],
  ];
  it.each(rejected)('rejects %s', (_label, raw, reason) => {
    expect(validateEvent(raw, NOW)).toEqual({ ok: false, reason });
  });

  it('normalizes items from GA4 field names and drops invalid ones', () => {
    const result = validateEvent({ name: 'view_item', items: [{ item_id: 'a', item_category: 'Running', price: '12.5', tags: 'Trail, Shoes' }, { nope: 1 }] }, NOW);
    expect(result).toEqual({ ok: true, event: { name: 'view_item', ts: NOW, props: {}, items: [{ id: 'a', category: 'running', price: 12.5, tags: ['trail', 'shoes'] }] } });
  });

  it('strips functions, DOM-like objects, prototype keys and deep nesting from props', () => {
    const props = JSON.parse('{"__proto__": {"polluted": 1}, "ok": "yes"}') as Record<string, unknown>;
    Object.assign(props, { fn: () => 1, sym: Symbol('x'), deep: { a: { b: { c: { d: 1 } } } }, when: new Date(), inf: Infinity });
    const result = validateEvent({ name: 'custom', props }, NOW);
    expect(result.ok && result.event.props).toEqual({ ok: 'yes', deep: { a: {} } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('caps strings, property counts and replaces lone surrogates', () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i]));
    const result = validateEvent({ name: 'custom', props: { ...many, s: 'x'.repeat(1000) } }, NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.event.props)).toHaveLength(EVENT_LIMITS.propertyCount);
    // Alone (not dropped by the property cap first), a long string is cut to the string cap.
    const long = validateEvent({ name: 'custom', props: { s: 'x'.repeat(1000), nested: { t: 'y'.repeat(300) } } }, NOW);
    expect(long.ok && long.event.props).toEqual({ s: 'x'.repeat(EVENT_LIMITS.stringLength), nested: { t: 'y'.repeat(EVENT_LIMITS.stringLength) } });
    const exact = validateEvent({ name: 'custom', props: { s: 'z'.repeat(EVENT_LIMITS.stringLength) } }, NOW);
    expect(exact.ok && exact.event.props.s).toBe('z'.repeat(EVENT_LIMITS.stringLength));
    const surrogate = validateEvent({ name: 'custom', props: { s: 'a\uD800b' } }, NOW);
    expect(surrogate.ok && surrogate.event.props.s).toBe('a\uFFFDb');
  });
});

describe('validateEvent at the limits (cases as data)', () => {
  const L = EVENT_LIMITS;
  const ok = (raw: Record<string, unknown>) => {
    const result = validateEvent(raw, NOW);
    if (!result.ok) throw new Error(`rejected: ${result.reason}`);
    return result.event;
  };
  const rejected: Array<[string, unknown, string]> = [
    ['value over 1e9', { name: 'x', value: 1e9 + 1 }, 'bad-value'],
    ['value not a number', { name: 'x', value: 'lots' }, 'bad-value'],
    ['value a blank string', { name: 'x', value: ' ' }, 'bad-value'],
    ['ts a string', { name: 'x', ts: '1' }, 'bad-timestamp'],
    ['ts infinite', { name: 'x', ts: Infinity }, 'bad-timestamp'],
    ['name with a digit first', { name: '1x' }, 'bad-name'],
    ['name constructor', { name: 'constructor' }, 'bad-name'],
    ['name with a space', { name: 'page view' }, 'bad-name'],
    ['props a class instance', { name: 'x', props: new Date() }, 'bad-props'],
    ['null', null, 'not-object'],
  ];
  it.each(rejected)('rejects %s', (_label, raw, reason) => {
    expect(validateEvent(raw, NOW)).toEqual({ ok: false, reason });
  });

  it('accepts the edges: a name of the longest length, ts 0, value 0 and 1e9, the widest timezones', () => {
    expect(ok({ name: 'a'.repeat(L.nameLength) }).name).toBe('a'.repeat(L.nameLength));
    expect(ok({ name: 'x', ts: 0 }).ts).toBe(0);
    expect(ok({ name: 'x', ts: 1234.9 }).ts).toBe(1234);
    expect(ok({ name: 'x' }).ts).toBe(NOW);
    expect(ok({ name: 'x', value: 0 }).value).toBe(0);
    expect(ok({ name: 'x', value: 1e9 }).value).toBe(1e9);
    expect(ok({ name: 'x', value: '12.5' }).value).toBe(12.5);
    expect(ok({ name: 'x', tz: 16 * 60 }).tz).toBe(960);
    expect(ok({ name: 'x', tz: -16 * 60 }).tz).toBe(-960);
    expect(ok({ name: 'x', tz: 16 * 60 + 1 })).not.toHaveProperty('tz');
    expect(ok({ name: 'x', tz: '60' })).not.toHaveProperty('tz');
    expect(ok({ name: 'x', tz: NaN })).not.toHaveProperty('tz');
    expect(ok({ name: 'x', items: [] })).not.toHaveProperty('items');
    expect(ok({ name: 'x', items: [{ nope: 1 }] })).not.toHaveProperty('items');
  });

  it('keeps at most the array cap of items, elements and tags, and cuts nesting at the depth cap', () => {
    const items = Array.from({ length: L.arrayLength + 10 }, (_, i) => ({ id: `i${i}` }));
    expect(ok({ name: 'x', items }).items).toHaveLength(L.arrayLength);
    const list = Array.from({ length: L.arrayLength + 10 }, (_, i) => i);
    expect(ok({ name: 'x', props: { list } }).props.list).toEqual(list.slice(0, L.arrayLength));
    const tags = Array.from({ length: L.tagCount + 5 }, (_, i) => `t${i}`);
    expect(ok({ name: 'x', items: [{ id: 'a', tags }] }).items?.[0]?.tags).toEqual(tags.slice(0, L.tagCount));
    expect(ok({ name: 'x', props: { a: [[['deep']]], b: { c: [1, { d: 2 }] } } }).props).toEqual({ a: [[]], b: { c: [1] } });
  });

  it('keeps property names up to 64 characters, and counts only kept properties toward the cap', () => {
    const props = { ['k'.repeat(64)]: 1, ['k'.repeat(65)]: 2, fn: () => 1, ...Object.fromEntries(Array.from({ length: L.propertyCount }, (_, i) => [`p${i}`, i])) };
    const kept = ok({ name: 'x', props }).props;
    expect(Object.keys(kept)).toHaveLength(L.propertyCount);
    expect(kept['k'.repeat(64)]).toBe(1);
    expect(kept).not.toHaveProperty('k'.repeat(65));
    expect(kept).not.toHaveProperty('fn');
    expect(kept).toHaveProperty(`p${L.propertyCount - 2}`);
    expect(kept).not.toHaveProperty(`p${L.propertyCount - 1}`);
  });

  it('normalizes items: labels trimmed, lower-cased and capped, numbers read, prices from 0, quantities whole and capped', () => {
    const [a, b, c] = ok({
      name: 'x',
      items: [
        { id: 42, category: '  Trail Running ', brand: ' ACME\u200b ', price: 0, quantity: '2.7', tags: ' Red , ,Blue,' },
        { item_id: 'b', item_category: 'x.constructor', item_brand: 'prototype', price: -1, quantity: 0, tags: ['ok', 5, '__proto__'] },
        { id: 'c'.repeat(80), quantity: 1e6, price: '9.5' },
      ],
    }).items ?? [];
    // Strict: a dropped field is absent, not present as undefined.
    expect(a).toStrictEqual({ id: '42', category: 'trail running', brand: 'acme', price: 0, quantity: 2, tags: ['red', 'blue'] });
    expect(b).toStrictEqual({ id: 'b', tags: ['ok'] });
    expect(c).toStrictEqual({ id: 'c'.repeat(64), quantity: 10_000, price: 9.5 });
  });

  it('drops item fields that are not what they claim: invisible labels, NaN ids, non-numeric prices', () => {
    const items = ok({
      name: 'x',
      items: [
        { id: NaN },
        { id: Infinity },
        { id: 'd', category: '\u200b\u200e', brand: '\u0000', price: true, quantity: '' },
        { id: 'e', price: '', quantity: ' ', tags: '\u200b' },
        { id: 'f', price: [], category: Infinity },
      ],
    }).items;
    expect(items).toStrictEqual([{ id: 'd' }, { id: 'e' }, { id: 'f' }]);
  });

  it('takes only a lowercase 64-digit hex string as a signature', () => {
    const hex = 'ab'.repeat(32);
    expect(isSignature(hex)).toBe(true);
    expect(isSignature(hex.toUpperCase())).toBe(false);
    expect(isSignature(hex + '0')).toBe(false);
    expect(isSignature([hex])).toBe(false);
    expect(isSignature({ toString: () => hex })).toBe(false);
  });

  it('replaces lone surrogates anywhere in a string, and keeps pairs', () => {
    const props = ok({ name: 'x', props: { a: '\uDC00x', b: 'x\uD800', c: 'ok \uD83D\uDE00', d: '\uD800\uD800\uDC00' } }).props;
    expect(props).toEqual({ a: '\uFFFDx', b: 'x\uFFFD', c: 'ok \uD83D\uDE00', d: '\uFFFD\uD800\uDC00' });
  });
});
