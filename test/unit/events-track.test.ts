import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateEvent, validateTrack } from '../../src/core/events.js';

const NOW = 1_700_000_000_000;

/** What track() built before validateTrack: items and value lifted, the rest as props. */
function lifted(name: unknown, properties: unknown, tz: number): Record<string, unknown> {
  const { items, value, ...props } = (properties ?? {}) as Record<string, unknown>;
  const raw: Record<string, unknown> = { name, props, tz };
  if (items !== undefined) raw.items = items;
  if (value !== undefined) raw.value = value;
  return raw;
}

describe('validateTrack', () => {
  const item = fc.record({ id: fc.oneof(fc.string(), fc.integer()), category: fc.string(), price: fc.oneof(fc.double(), fc.string()), tags: fc.anything() }, { requiredKeys: [] });
  const properties = fc.oneof(
    fc.constant(undefined),
    fc.anything(),
    fc.dictionary(fc.string(), fc.anything()),
    fc.record({ items: fc.oneof(fc.array(item), fc.anything()), value: fc.oneof(fc.double(), fc.string(), fc.anything()), props: fc.anything(), ts: fc.anything(), name: fc.string() }, { requiredKeys: [] }),
  );
  const name = fc.oneof(fc.constantFrom('view_item', 'add_to_cart', 'page_view', '', 'Bad', 'x'.repeat(41)), fc.string(), fc.anything());

  it('gives what validateEvent gives for the lifted event', () => {
    fc.assert(fc.property(name, properties, fc.integer({ min: -900, max: 900 }), (n, p, tz) => {
      expect(validateTrack(n, p, NOW, tz)).toEqual(validateEvent(lifted(n, p, tz), NOW));
    }), { numRuns: 2000 });
  });

  it('reports a name that is valid only by being the last valid one again', () => {
    expect(validateTrack('view_item', {}, NOW, 0).ok).toBe(true);
    expect(validateTrack('view_item', {}, NOW, 0).ok).toBe(true);
    expect(validateTrack('', {}, NOW, 0)).toEqual({ ok: false, reason: 'bad-name' });
    expect(validateTrack('view item', {}, NOW, 0)).toEqual({ ok: false, reason: 'bad-name' });
  });

  it('is unreadable, not thrown, for a throwing getter', () => {
    const hostile = { get items() { throw new Error('boom'); } };
    expect(validateTrack('view_item', hostile, NOW, 0)).toEqual({ ok: false, reason: 'unreadable' });
  });
});
