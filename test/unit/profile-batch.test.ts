import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Properties, TrackedEvent } from '../../src/core/events.js';
import { applyDeltas, compactDeltas } from '../../src/core/merge.js';
import { type Profile, apply, applyAll, emptyProfile } from '../../src/core/profile.js';

const T0 = Date.UTC(2026, 10, 23, 9);
const event: fc.Arbitrary<TrackedEvent> = fc.record({
  name: fc.constantFrom('view_item', 'add_to_cart', 'purchase', 'page_view', 'select_promotion', 'identify'),
  ts: fc.integer({ min: T0, max: T0 + 3 * 3600_000 }),
  tz: fc.constantFrom(0, 60),
  items: fc.array(fc.record({ id: fc.constantFrom('a', 'b', 'c'), category: fc.constantFrom('running', 'camping'), price: fc.constantFrom(10, 120) }), { maxLength: 2 }),
  props: fc.constantFrom<Properties>({}, { slot: 'hero', variant: 'running', group: 'personalized' }, { userId: 'u1' }),
});

function oneByOne(start: Profile, events: TrackedEvent[]) {
  let profile = start;
  const deltas = [];
  for (const e of events) {
    const r = apply(profile, e);
    profile = r.profile;
    deltas.push(...r.deltas);
  }
  return { profile, deltas };
}

describe('applyAll', () => {
  it('folds a batch to the same fields as applying its events one by one', () => {
    fc.assert(fc.property(fc.array(event, { maxLength: 30 }), (events) => {
      events.sort((a, b) => a.ts - b.ts);
      const batch = applyAll(emptyProfile(), events);
      const single = oneByOne(emptyProfile(), events);
      expect(batch.profile.own.fields).toEqual(single.profile.own.fields);
      // The batch's deltas carry the same final value per key as the compacted one-by-one deltas.
      const byKey = (ds: typeof batch.deltas) => Object.fromEntries(ds.map((d) => [d.key, d.f]));
      expect(byKey(batch.deltas)).toEqual(byKey(compactDeltas(single.deltas)));
      expect(applyDeltas({ seq: 0, fields: {} }, batch.deltas).fields).toEqual(batch.profile.own.fields);
    }));
  });

  it('numbers one delta per changed key, continuing the device sequence', () => {
    const first = applyAll(emptyProfile(), [{ name: 'page_view', ts: T0, props: {} }]);
    const second = applyAll(first.profile, [{ name: 'page_view', ts: T0 + 1, props: {} }, { name: 'page_view', ts: T0 + 2, props: {} }]);
    expect(new Set(second.deltas.map((d) => d.key)).size).toBe(second.deltas.length);
    expect(second.deltas[0]?.s).toBe(first.profile.own.seq + 1);
    expect(second.profile.own.fields['n.page_view']).toEqual({ k: 'c', v: 3 });
  });
});
