import { describe, expect, it } from 'vitest';
import { decideSlot } from '../../src/core/decide.js';
import type { Properties, TrackedEvent } from '../../src/core/events.js';
import { applyDeltas } from '../../src/core/merge.js';
import { BUILTIN_MODEL } from '../../src/core/model.js';
import { DEFAULT_PROFILE_OPTIONS, type Profile, affinityKey, apply, applyAll, emptyProfile, priceBand } from '../../src/core/profile.js';
import { viewProfile } from '../../src/core/view.js';
import { snapshotAt } from './support/snapshot-at.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;
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
    expect(decideSlot('hero', candidates, snapshotAt(emptyProfile(), T0), BUILTIN_MODEL).variant).toBe('default');
  });
  it('picks the variant matching the strongest affinity and explains it', () => {
    const { profile } = run([view('camping', T0), view('running', T0 + 1), view('running', T0 + 2)]);
    const decision = decideSlot('hero', candidates, snapshotAt(profile, T0 + 3), BUILTIN_MODEL);
    expect(decision.variant).toBe('running');
    expect(decision.explanation[0]?.feature).toBe('match.long');
  });
});

describe('apply: sessions, registers and identity at their edges', () => {
  const ev = (name: string, ts: number, props: Properties = {}): TrackedEvent => ({ name, ts, props });
  const fields = (events: TrackedEvent[], start: Profile = emptyProfile()) => run(events, start).profile.own.fields;

  it('keeps one session across a gap of exactly the timeout, and records the gap before a new one', () => {
    const gap = DEFAULT_PROFILE_OPTIONS.sessionTimeoutMs;
    expect(fields([view('a', T0), view('a', T0 + gap)])['s.count']).toEqual({ k: 'c', v: 1 });
    const f = fields([view('a', T0), view('a', T0 + gap + 1)]);
    expect(f['s.count']).toEqual({ k: 'c', v: 2 });
    expect(f['s.gap']).toMatchObject({ k: 'r', v: gap + 1 });
    expect(f['s.start']).toMatchObject({ k: 'r', v: T0 + gap + 1 });
    expect(fields([view('a', T0)])).not.toHaveProperty('s.gap');
  });

  it('keeps the first and the latest time when events arrive out of order', () => {
    const f = fields([view('a', T0 + 10 * MIN), view('a', T0), view('a', T0 + 5 * MIN)]);
    expect(f['t.first']).toEqual({ k: 'm', v: T0 });
    expect(f['t.last']).toMatchObject({ k: 'r', v: T0 + 10 * MIN });
    // The same in one batch as one by one.
    const batch = applyAll(emptyProfile(), [view('a', T0 + 10 * MIN), view('a', T0), view('a', T0 + 5 * MIN)]).profile.own.fields;
    expect(batch['t.first']).toEqual({ k: 'm', v: T0 });
    expect(batch['t.last']).toMatchObject({ v: T0 + 10 * MIN });
  });

  it('stamps each write of a register later than the one before, so the last write wins a join', () => {
    const first = fields([ev('identify', T0, { traits: { plan: 'free' } })]);
    const second = fields([ev('identify', T0, { traits: { plan: 'pro' } })], { ...emptyProfile(), own: { seq: 1, fields: first } });
    expect(second['u.plan']).toEqual({ k: 'r', v: 'pro', t: T0 + 1 });
    const batch = applyAll(emptyProfile(), [ev('identify', T0, { traits: { plan: 'free' } }), ev('identify', T0, { traits: { plan: 'pro' } }), ev('identify', T0, { traits: { plan: 'max' } })]);
    expect(batch.profile.own.fields['u.plan']).toEqual({ k: 'r', v: 'max', t: T0 + 2 });
  });

  it('takes identity from identify only: a non-empty string user id, scalar traits, never a trait named sig', () => {
    const f = fields([
      ev('identify', T0, { userId: 'user-1', traits: { plan: 'pro', age: 30, vip: false, gone: null, nested: { a: 1 }, list: [1], sig: 'ab'.repeat(32) } }),
      ev('identify', T0 + 1, { userId: '', traits: ['x'] }),
      ev('identify', T0 + 2, { userId: 42, traits: 'plan' }),
      ev('custom', T0 + 3, { userId: 'user-2', traits: { plan: 'free' } }),
    ]);
    const identity = Object.fromEntries(Object.entries(f).filter(([key]) => key.startsWith('u.')).map(([key, field]) => [key, (field as { v: unknown }).v]));
    expect(identity).toEqual({ 'u.id': 'user-1', 'u.plan': 'pro', 'u.age': 30, 'u.vip': false, 'u.gone': null });
  });

  it('counts feedback only for well-formed slots and variants, and credits conversions within the session only', () => {
    const timeout = DEFAULT_PROFILE_OPTIONS.sessionTimeoutMs;
    const f = fields([
      ev('view_promotion', T0, { slot: 'hero', variant: 'a' }),
      ev('view_promotion', T0, { slot: 'hero', variant: 5 }),
      ev('view_promotion', T0, { slot: 7, variant: 'a' }),
      ev('view_promotion', T0, { slot: 'he ro', variant: 'a' }),
      ev('view_promotion', T0, { slot: 'side', variant: 'a.b' }),
      ev('offer_shown', T0, { offer: 'ten', slot: 'hero' }),
      ev('offer_clicked', T0, { offer: 7 }),
      ev('add_to_cart', T0 + timeout, { value: 1 }),
      ev('conversion', T0 + timeout + 1),
    ]);
    const feedback = Object.fromEntries(Object.entries(f).filter(([key]) => key.startsWith('b.')).map(([key, field]) => [key, (field as { v: unknown }).v]));
    // add_to_cart exactly at the timeout still counts; the conversion a millisecond later does not.
    expect(feedback).toEqual({ 'b.i.hero.a': 1, 'b.last.hero': 'a', 'b.i.offer.ten': 1, 'b.last.offer': 'ten', 'b.v.hero.a': 1, 'b.v.offer.ten': 1 });
  });

  it('adds no affinity for events without a weight or without items, and the event weight for those with both', () => {
    const items = [{ id: 'x', category: 'running', brand: 'acme', price: 30, tags: ['trail'] }];
    const none = fields([{ name: 'custom', ts: T0, props: {}, items }, { name: 'view_item', ts: T0 + 1, props: {} }]);
    expect(Object.keys(none).filter((key) => key.startsWith('a.'))).toEqual([]);
    const weighted = fields([{ name: 'add_to_cart', ts: T0, props: {}, items }]);
    expect(weighted['a.n']).toEqual({ k: 'c', v: 1 });
    for (const label of ['ev:n', 'cat:running', 'brand:acme', 'price:p1', 'tag:trail']) {
      expect(weighted[`a.l.${label}`]).toEqual({ k: 'd', v: DEFAULT_PROFILE_OPTIONS.eventWeights.add_to_cart, t: T0 });
      expect(weighted[`a.r.${label}`]).toEqual({ k: 'd', v: DEFAULT_PROFILE_OPTIONS.eventWeights.add_to_cart, t: 1 });
    }
  });

  it('decays recent interest by item events, not time: half after five more', () => {
    const events = [view('running', T0), ...Array.from({ length: 5 }, (_, i) => view('camping', T0 + DAY * (i + 1)))];
    const f = fields(events);
    expect(f['a.r.cat:running']).toEqual({ k: 'd', v: 1, t: 1 });
    const recent = viewProfile(run(events).profile, T0 + 6 * DAY).affinities('r');
    expect(recent.get('cat:running')).toBeCloseTo(0.5, 9);
  });
});

describe('apply: what must not be written', () => {
  const ev = (name: string, ts: number, props: Properties = {}, extra: Partial<TrackedEvent> = {}): TrackedEvent => ({ name, ts, props, ...extra });
  const keys = (events: TrackedEvent[]) => Object.keys(applyAll(emptyProfile(), events).profile.own.fields);

  it('names affinity keys by horizon, dimension and label', () => {
    expect(affinityKey('l', 'cat', 'running')).toBe('a.l.cat:running');
    expect(affinityKey('r', 'price', 'p2')).toBe('a.r.price:p2');
  });

  it('remembers purchased items only under keys a store accepts, and none without items', () => {
    expect(keys([ev('purchase', T0, {}, { value: 5 })]).filter((k) => k.startsWith('i.p.'))).toEqual([]);
    const bought = keys([ev('purchase', T0, {}, { items: [{ id: 'constructor' }, { id: '123' }, { id: 'ok' }] })]);
    expect(bought.filter((k) => k.startsWith('i.p.')).sort()).toEqual(['i.p.123', 'i.p.ok']);
  });

  it('writes no feedback under a key longer than a store accepts', () => {
    const long = (c: string) => c.repeat(64);
    expect(keys([ev('view_promotion', T0, { slot: long('s'), variant: long('v') })]).filter((k) => k.startsWith('b.'))).toEqual([]);
  });

  it('adds no affinity for an item field that is absent', () => {
    const written = keys([ev('view_item', T0, {}, { items: [{ id: 'x' }] })]);
    expect(written.filter((k) => k.includes('undefined'))).toEqual([]);
    expect(written.filter((k) => k.startsWith('a.l.'))).toEqual(['a.l.ev:n']);
  });

  it('reads identity from identify events only, and credits conversions from conversion events only', () => {
    const written = keys([
      ev('purchase', T0, { userId: 'user-1', traits: { plan: 'pro' } }, { value: 1 }),
      ev('view_promotion', T0 + 1, { slot: 'hero', variant: 'a' }),
      ev('begin_checkout', T0 + 2),
      ev('remove_from_cart', T0 + 3, {}, { value: 1 }),
      ev('identify', T0 + 4, { traits: { tier: 'gold' } }),
    ]);
    expect(written.filter((k) => k.startsWith('u.'))).toEqual(['u.tier']);
    expect(written.filter((k) => k.startsWith('b.v.'))).toEqual([]);
  });

  it('sends no delta for a first-seen time that did not move', () => {
    const first = applyAll(emptyProfile(), [view('a', T0)]).profile;
    const again = applyAll(first, [view('a', T0)]);
    expect(again.deltas.map((d) => d.key)).not.toContain('t.first');
    expect(applyAll(first, [view('a', T0 - 1)]).deltas.map((d) => d.key)).toContain('t.first');
  });

  it('prunes by value decayed to the latest event, not by raw sums', () => {
    // `old` was viewed three times 100 days before `fresh` was viewed once: raw 3 > 1, decayed 3 · 2^(-100/30) ≈ 0.3 < 1.
    const events = [0, 1, 2].map((i) => view('old', T0 + i)).concat([view('fresh', T0 + 100 * DAY)]);
    const all = Object.keys(applyAll(emptyProfile(), events, { ...DEFAULT_PROFILE_OPTIONS, maxFields: 1000 }).profile.own.fields);
    const kept = Object.keys(applyAll(emptyProfile(), events, { ...DEFAULT_PROFILE_OPTIONS, maxFields: all.length - 3 }).profile.own.fields);
    expect(kept).toContain('a.l.cat:fresh');
    expect(kept).not.toContain('a.l.cat:old');
  });

  it('prunes a profile stored before recent-interest fields existed down to the limit', () => {
    // Long-term and session affinities only (no `a.r.` twins): each label is two fields, not three.
    const fields: Profile['own']['fields'] = {};
    for (let i = 0; i < 20; i++) {
      fields[`a.l.cat:c${i}`] = { k: 'd', v: i + 1, t: T0 };
      fields[`a.s.cat:c${i}`] = { k: 'd', v: i + 1, t: T0 };
    }
    const legacy: Profile = { ...emptyProfile(), own: { seq: 40, fields } };
    const options = { ...DEFAULT_PROFILE_OPTIONS, maxFields: 30 };
    const after = applyAll(legacy, [{ name: 'custom', ts: T0, props: {} }], options).profile.own.fields;
    expect(Object.keys(after).length).toBeLessThanOrEqual(30);
    expect(Object.keys(after)).toContain('a.l.cat:c19');
    expect(Object.keys(after)).not.toContain('a.l.cat:c0');
  });
});

describe('apply: a stored profile with a damaged register', () => {
  it('reads a cart value that is not a number as empty, instead of adding to a string', () => {
    const damaged: Profile = { ...emptyProfile(), own: { seq: 1, fields: { 'c.value': { k: 'r', v: 'oops', t: T0 } } } };
    const { profile } = apply(damaged, { name: 'add_to_cart', ts: T0 + 1, props: {}, value: 5 });
    expect(profile.own.fields['c.value']).toEqual({ k: 'r', v: 5, t: T0 + 1 });
  });
});
