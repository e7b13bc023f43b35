import { describe, expect, it } from 'vitest';
import { decideSlot } from '../../src/core/decide.js';
import type { TrackedEvent } from '../../src/core/events.js';
import { applyDeltas } from '../../src/core/merge.js';
import { BUILTIN_MODEL } from '../../src/core/model.js';
import { DEFAULT_PROFILE_OPTIONS, type Profile, apply, emptyProfile, priceBand } from '../../src/core/profile.js';
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
    const { profile } = run([
      { name: 'add_to_cart', ts: T0, props: {}, items: [item] },
      { name: 'begin_checkout', ts: T0 + 1, props: {} },
      { name: 'purchase', ts: T0 + 2, props: {}, value: 80, items: [item] },
    ]);
    const v = viewProfile(profile, T0 + 3);
    expect(v.number('m.value')).toBe(80);
    expect(v.register('c.value')).toBe(0);
    expect(v.register('c.checkout')).toBe(T0 + 1);
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
