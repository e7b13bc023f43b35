import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Properties, TrackedEvent } from '../../src/core/events.js';
import { compareFields } from '../../src/core/field.js';
import { applyDeltas } from '../../src/core/merge.js';
import { type Profile, apply, applyAll, emptyProfile, roundDecayed } from '../../src/core/profile.js';

const T0 = Date.UTC(2026, 10, 23, 9);
// Few timestamps, so many events share one (a burst) and some go back in time.
const event: fc.Arbitrary<TrackedEvent> = fc.record({
  name: fc.constantFrom('view_item', 'add_to_cart', 'purchase', 'page_view', 'select_promotion', 'view_promotion', 'conversion', 'identify'),
  ts: fc.constantFrom(T0, T0 + 1, T0 + 60_000, T0 + 40 * 60_000, T0 - 5),
  items: fc.array(fc.record({
    id: fc.constantFrom('a', 'b'),
    category: fc.constantFrom('running', 'camping'),
    brand: fc.constantFrom('acme', 'zed'),
    price: fc.constantFrom(10, 120, 900),
    tags: fc.constantFrom(['trail'], ['trail', 'rain'], []),
  }, { requiredKeys: ['id'] }), { maxLength: 3 }),
  props: fc.constantFrom<Properties>({}, { slot: 'hero', variant: 'running' }, { slot: 'side', variant: 'camping' }, { userId: 'u1', traits: { plan: 'pro' } }),
});

/** Splits events into consecutive batches at the given cut points. */
function batches(events: TrackedEvent[], cuts: number[]): TrackedEvent[][] {
  const at = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((a, b) => a - b);
  const out: TrackedEvent[][] = [];
  let from = 0;
  for (const cut of [...at, events.length]) {
    out.push(events.slice(from, cut));
    from = cut;
  }
  return out.filter((b) => b.length);
}

describe('applyAll folds in place only what it created', () => {
  it('any split into batches gives the fields of one-by-one, and never changes its input', () => {
    fc.assert(fc.property(fc.array(event, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 4 }), (events, cuts) => {
      let single: Profile = emptyProfile();
      for (const e of events) single = apply(single, e).profile;
      let batched: Profile = emptyProfile();
      for (const batch of batches(events, cuts)) {
        const before = structuredClone(batched);
        const next = applyAll(batched, batch);
        expect(batched).toEqual(before);
        // Every field a device writes moves up in the join order, a burst at one timestamp included.
        for (const [key, f] of Object.entries(next.profile.own.fields)) {
          const old = batched.own.fields[key];
          if (old && old.k === f.k) expect(compareFields(old, f)).toBeLessThanOrEqual(0);
        }
        // Deltas rebuild the fields in any order (join laws on the rounded values).
        const deltas = next.deltas;
        expect(applyDeltas(batched.own, [...deltas].reverse()).fields).toEqual(next.profile.own.fields);
        batched = next.profile;
      }
      expect(batched.own.fields).toEqual(single.own.fields);
    }), { numRuns: 300 });
  });

  it('credits a conversion to a slot shown earlier in the same batch and in an earlier one', () => {
    const shown = (slot: string, ts: number): TrackedEvent => ({ name: 'view_promotion', ts, props: { slot, variant: 'v1' } });
    const first = applyAll(emptyProfile(), [shown('hero', T0)]);
    const { profile } = applyAll(first.profile, [shown('side', T0 + 1), { name: 'conversion', ts: T0 + 2, props: {} }]);
    expect(profile.own.fields['b.v.hero.v1']).toEqual({ k: 'c', v: 1 });
    expect(profile.own.fields['b.v.side.v1']).toEqual({ k: 'c', v: 1 });
  });
});

describe('roundDecayed', () => {
  const positive = fc.double({ min: 1e-12, max: 1e12, noNaN: true });
  it('keeps 7 significant digits, is idempotent and monotonic', () => {
    fc.assert(fc.property(positive, positive, (a, b) => {
      const r = roundDecayed(a);
      expect(Math.abs(r - a) / a).toBeLessThanOrEqual(5e-7 * (1 + 1e-9));
      expect(roundDecayed(r)).toBe(r);
      expect(Number(r.toPrecision(7))).toBe(r);
      if (a <= b) expect(roundDecayed(a)).toBeLessThanOrEqual(roundDecayed(b));
    }));
  });

  it.each([
    [2.9320015723446624, 2.932002],
    [0.49999983, 0.4999998],
    [1234567.89, 1234568],
    [99999995, 100000000],
    [0, 0],
    // One value per scale of the comparison chain, so a wrong scale anywhere shows as a wrong digit count.
    [0.0123456789, 0.01234568],
    [0.123456789, 0.1234568],
    [5.123456789, 5.123457],
    [50.123456789, 50.12346],
    [500.123456789, 500.1235],
    [5000.123456789, 5000.123],
    [50000.123456789, 50000.12],
    [500000.123456789, 500000.1],
    [5000000.5, 5000001],
  ])('%d → %d', (input, output) => expect(roundDecayed(input)).toBe(output));

  it('stores short decayed sums', () => {
    const view = (ts: number): TrackedEvent => ({ name: 'view_item', ts, props: {}, items: [{ id: 'a', category: 'running' }] });
    const { deltas } = applyAll(emptyProfile(), [view(T0), view(T0 + 12_345), view(T0 + 99_999)]);
    for (const d of deltas) if (d.f.k === 'd') expect(String(d.f.v).replace(/^0\.0*|\./g, '').length).toBeLessThanOrEqual(7);
  });
});
