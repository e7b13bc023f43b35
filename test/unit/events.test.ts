import { describe, expect, it } from 'vitest';
import { EVENT_LIMITS, validateEvent } from '../../src/core/events.js';

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
