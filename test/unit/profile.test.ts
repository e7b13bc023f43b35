import { describe, expect, it } from 'vitest';
import { decideSlot } from '../../src/core/decide.js';
import type { TrackedEvent } from '../../src/core/events.js';
import { applyDeltas } from '../../src/core/merge.js';
import { BUILTIN_MODEL } from '../../src/core/model.js';
import { DEFAULT_PROFILE_OPTIONS, type Profile, apply, applyAll, emptyProfile, priceBand } from '../../src/core/profile.js';
import { viewProfile } from '../../src/core/view.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const MIN = 60_000;
const view = (category: string, ts: number, price = 50): TrackedEvent => ({ name: 'view_item', ts, props: {}, items: [{ id: category + ts, category, price }] });

function run(events: TrackedEvent[], start: Profile = emptyProfile()) {
  let profile = start;
  const deltas = [];
  for (const event of events) {
    const result = apply(profile, event);
    profile = result.profile;
    deltas.push(...result.deltas);
  }
  return { profile, deltas };
}

describe('apply', () => {
  it('counts events, sessions and affinities at both horizons', () => {
    const { profile } = run([view('running', T0), view('running', T0 + MIN), view('camping', T0 + 2 * MIN)]);
    const v = viewProfile(profile, T0 + 2 * MIN);
    expect(v.number('n.view_item')).toBe(3);
    expect(v.number('s.count')).toBe(1);
    expect(v.affinities('l').get('cat:running')).toBeGreaterThan(v.affinities('l').get('cat:camping') ?? 0);
    // Stored decayed sums keep 7 significant digits (roundDecayed).
    expect(v.affinities('s').get('price:p1')).toBeCloseTo(1 + 2 ** (-1 / 30) + 2 ** (-2 / 30), 5);
  });

  it.each([
    ['29 minutes later: same session', 29 * MIN, 1],
    ['31 minutes later: new session', 31 * MIN, 2],
  ])('%s', (_label, gap, sessions) => {
    const { profile } = run([view('a', T0), view('a', T0 + gap)]);
    expect(viewProfile(profile, T0 + gap).number('s.count')).toBe(sessions);
  });

  it('starts a new session at local midnight', () => {
    const late = Date.UTC(2026, 10, 23, 22, 50);
    const { profile } = run([{ ...view('a', late), tz: 60 }, { ...view('a', late + 15 * MIN), tz: 60 }]);
    expect(viewProfile(profile, late + 15 * MIN).number('s.count')).toBe(2);
  });

  it('decays session affinity much faster than long-term affinity', () => {
    const { profile } = run([view('running', T0)]);
    const later = viewProfile(profile, T0 + 2 * 3600_000);
    expect(later.affinities('s').get('cat:running')).toBeLessThan(0.07);
    expect(later.affinities('l').get('cat:running')).toBeGreaterThan(0.99);
  });

  it('tracks cart value and monetary value through commerce events', () => {
    const item = { id: 's', category: 'running', price: 40, quantity: 2 };
    const { profile: carted } = run([
      { name: 'add_to_cart', ts: T0, props: {}, items: [item] },
      { name: 'add_to_cart', ts: T0 + 1, props: {}, value: 15.5 },
      { name: 'begin_checkout', ts: T0 + 2, props: {} },
    ]);
    // The cart holds price × quantity of the items, plus an explicit value.
    expect(viewProfile(carted, T0 + 3).register('c.value')).toBe(95.5);
    const { profile } = run([{ name: 'purchase', ts: T0 + 3, props: {}, items: [item, { id: 't', price: 9.99 }] }], carted);
    const v = viewProfile(profile, T0 + 4);
    // Without a value, a purchase is worth its items (quantity 1 when absent); it empties the cart.
    expect(v.number('m.value')).toBe(89.99);
    expect(v.register('c.value')).toBe(0);
    expect(v.register('c.checkout')).toBe(T0 + 2);
    expect(v.register('m.last')).toBe(T0 + 3);
    expect(v.number('i.p.s')).toBe(1);
    expect(v.number('i.p.t')).toBe(1);
    const { profile: again } = run([{ name: 'purchase', ts: T0 + 5, props: {}, value: 10 }], profile);
    expect(viewProfile(again, T0 + 6).number('m.value')).toBe(99.99);
  });

  it('takes removed items off the cart value, never below zero', () => {
    const item = { id: 's', price: 12.5, quantity: 2 };
    const { profile } = run([
      { name: 'add_to_cart', ts: T0, props: {}, value: 100 },
      { name: 'remove_from_cart', ts: T0 + 1, props: {}, items: [item] },
    ]);
    expect(viewProfile(profile, T0 + 2).register('c.value')).toBe(75);
    const { profile: less } = run([{ name: 'remove_from_cart', ts: T0 + 2, props: {}, value: 30 }], profile);
    expect(viewProfile(less, T0 + 3).register('c.value')).toBe(45);
    const { profile: empty } = run([{ name: 'remove_from_cart', ts: T0 + 3, props: {}, value: 1000 }], less);
    expect(viewProfile(empty, T0 + 4).register('c.value')).toBe(0);
  });

  it('emits numbered deltas that rebuild the same fields', () => {
    const { profile, deltas } = run([view('running', T0), view('camping', T0 + 1)]);
    expect(deltas.map((d) => d.s)).toEqual(deltas.map((_, i) => i + 1));
    expect(applyDeltas({ seq: 0, fields: {} }, deltas)).toEqual(profile.own);
  });

  it('stays within maxFields by pruning the weakest affinities', () => {
    const events = Array.from({ length: 400 }, (_, i) => view('c' + i, T0 + i));
    const { profile } = run(events);
    expect(Object.keys(profile.own.fields).length).toBeLessThanOrEqual(DEFAULT_PROFILE_OPTIONS.maxFields);
  });

  it('prunes exactly the weakest long-term affinities with their session and recent twins, and no more', () => {
    // Category c<i> is viewed i + 1 times, so c0 is the weakest and c9 the strongest; no price, so one label per item.
    const events: TrackedEvent[] = [];
    for (let i = 0; i < 10; i++) for (let j = 0; j <= i; j++) events.push({ name: 'view_item', ts: T0 + events.length, props: {}, items: [{ id: 'x', category: 'c' + i }] });
    const all = applyAll(emptyProfile(), events, { ...DEFAULT_PROFILE_OPTIONS, maxFields: 1000 }).profile.own.fields;
    const keys = Object.keys(all);
    // 6 bookkeeping fields (t.first, t.last, s.count, s.start, n.view_item, a.n) + ev:n and 10 categories at 3 horizons.
    expect(keys).toHaveLength(6 + 3 + 30);
    const label = (cat: string): string[] => ['l', 's', 'r'].map((h) => `a.${h}.cat:${cat}`);
    // Six over the limit: the two weakest categories go, each with its two twins.
    const { profile, deltas } = applyAll(emptyProfile(), events, { ...DEFAULT_PROFILE_OPTIONS, maxFields: keys.length - 6 });
    const kept = Object.keys(profile.own.fields);
    expect(kept.sort()).toEqual(keys.filter((k) => ![...label('c0'), ...label('c1')].includes(k)).sort());
    // Pruned fields are not sent either.
    expect(deltas.map((d) => d.key).sort()).toEqual(kept.sort());
    // One over: the weakest category still goes whole (the limit is a ceiling, twins are not split up).
    const one = Object.keys(applyAll(emptyProfile(), events, { ...DEFAULT_PROFILE_OPTIONS, maxFields: keys.length - 1 }).profile.own.fields);
    expect(one.sort()).toEqual(keys.filter((k) => !label('c0').includes(k)).sort());
    // At the limit, nothing goes.
    expect(Object.keys(applyAll(emptyProfile(), events, { ...DEFAULT_PROFILE_OPTIONS, maxFields: keys.length }).profile.own.fields)).toHaveLength(keys.length);
  });

  it.each([[0, 'p0'], [24.99, 'p0'], [25, 'p1'], [299, 'p2'], [5000, 'p3']])('price %d is band %s', (price, band) => {
    expect(priceBand(price, DEFAULT_PROFILE_OPTIONS.priceBands)).toBe(band);
  });
});

describe('decideSlot', () => {
  const candidates = [{ id: 'running', tags: ['running'] }, { id: 'camping', tags: ['camping'] }];
  it('keeps the default for an empty profile', () => {
    expect(decideSlot('hero', candidates, viewProfile(emptyProfile(), T0), BUILTIN_MODEL).variant).toBe('default');
  });
  it('picks the variant matching the strongest affinity and explains it', () => {
    const { profile } = run([view('camping', T0), view('running', T0 + 1), view('running', T0 + 2)]);
    const decision = decideSlot('hero', candidates, viewProfile(profile, T0 + 3), BUILTIN_MODEL);
    expect(decision.variant).toBe('running');
    expect(decision.explanation[0]?.feature).toBe('match.long');
  });
});
