import { describe, expect, it } from 'vitest';
import { learned, slotFeedback } from '../../src/core/bandit.js';
import { choose, decideSlot, inHoldout } from '../../src/core/decide.js';
import type { TrackedEvent } from '../../src/core/events.js';
import { candidateFeatures, visitorFeatures } from '../../src/core/features.js';
import { lifecycleStage } from '../../src/core/lifecycle.js';
import { joinFields } from '../../src/core/field.js';
import { BUILTIN_MODEL, type Model, logit, parseModel, satisfies } from '../../src/core/model.js';
import { decideOffer } from '../../src/core/offers.js';
import { type Profile, apply, emptyProfile } from '../../src/core/profile.js';
import { recommend } from '../../src/core/recommend.js';
import { viewProfile } from '../../src/core/view.js';
import { snapshotAt } from './support/snapshot-at.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;
const viewItem = (category: string, ts: number): TrackedEvent => ({ name: 'view_item', ts, props: {}, items: [{ id: `${category}-${ts}`, category }] });
const ev = (name: string, ts: number, props: Record<string, string> = {}, extra: Partial<TrackedEvent> = {}): TrackedEvent => ({ name, ts, props, ...extra });

function run(events: TrackedEvent[], start: Profile = emptyProfile()): Profile {
  return events.reduce((p, e) => apply(p, e).profile, start);
}

function model(extra: Record<string, unknown> = {}): Model {
  const parsed = parseModel({ version: 1, id: 'test', bias: -1.5, weights: { 'match.long': 3, 'match.short': 2 }, holdout: 0, explore: { noise: 0 }, ...extra });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.model;
}

describe('apply: lifecycle, feedback and purchases (cases as data)', () => {
  const cases: Array<[string, TrackedEvent[], number, string]> = [
    ['one visit is new', [viewItem('a', T0)], T0, 'new'],
    ['ten item views are engaged', Array.from({ length: 10 }, (_, i) => viewItem('a', T0 + i)), T0 + 10, 'engaged'],
    ['a purchase makes a customer', [ev('purchase', T0, {}, { value: 10 })], T0, 'customer'],
    ['three purchases make a loyal customer', [0, 1, 2].map((i) => ev('purchase', T0 + i, {}, { value: 10 })), T0 + 3, 'loyal'],
    ['back after 61 days is lapsed', [viewItem('a', T0), viewItem('a', T0 + 61 * DAY)], T0 + 61 * DAY, 'lapsed'],
  ];
  it.each(cases)('%s', (_label, events, now, stage) => {
    expect(lifecycleStage(snapshotAt(run(events), now), now)).toBe(stage);
  });

  const feedback: Array<[string, TrackedEvent[], Record<string, number>]> = [
    ['impression', [ev('view_promotion', T0, { slot: 'hero', variant: 'run', group: 'personalized' })], { 'b.i.hero.run': 1 }],
    ['click', [ev('select_promotion', T0, { slot: 'hero', variant: 'run', group: 'personalized' })], { 'b.k.hero.run': 1 }],
    ['offer shown and clicked', [ev('offer_shown', T0, { offer: 'ten', group: 'personalized' }), ev('offer_clicked', T0 + 1, { offer: 'ten' })],
      { 'b.i.offer.ten': 1, 'b.k.offer.ten': 1 }],
    ['conversion within the session credits the last variant', [ev('view_promotion', T0, { slot: 'hero', variant: 'run' }), ev('purchase', T0 + 5 * MIN, {}, { value: 1 })],
      { 'b.v.hero.run': 1 }],
    ['conversion after the session credits nothing', [ev('view_promotion', T0, { slot: 'hero', variant: 'run' }), ev('purchase', T0 + 45 * MIN, {}, { value: 1 })],
      { 'b.v.hero.run': 0 }],
    ['hostile slot names are ignored', [ev('view_promotion', T0, { slot: '__proto__.x', variant: 'a b' })], { 'n.view_promotion': 1 }],
  ];
  it.each(feedback)('folds %s', (_label, events, expected) => {
    const view = viewProfile(run(events), T0 + DAY);
    for (const [key, value] of Object.entries(expected)) expect(view.number(key) ?? 0).toBe(value);
    expect(view.numbers('b.').every(([key]) => /^b\.[ikv]\.[\w-]+\.[\w-]+$/.test(key))).toBe(true);
  });

  it('remembers purchased items and records the gap before a new session', () => {
    const p = run([viewItem('a', T0), ev('purchase', T0 + DAY, {}, { items: [{ id: 'sku-1', price: 5 }] })]);
    const view = viewProfile(p, T0 + DAY);
    expect(view.number('i.p.sku-1')).toBe(1);
    expect(view.register('s.gap')).toBe(DAY);
  });
});

describe('merge of decayed values (cases as data)', () => {
  const cases: Array<[string, { k: 'd'; v: number; t: number }, { k: 'd'; v: number; t: number }, number]> = [
    ['later time wins', { k: 'd', v: 5, t: 1 }, { k: 'd', v: 1, t: 2 }, 1],
    ['same time: larger value wins', { k: 'd', v: 5, t: 2 }, { k: 'd', v: 7, t: 2 }, 7],
    ['idempotent', { k: 'd', v: 3, t: 2 }, { k: 'd', v: 3, t: 2 }, 3],
  ];
  it.each(cases)('%s, in either order', (_label, a, b, v) => {
    expect(joinFields(a, b)).toEqual(joinFields(b, a));
    expect((joinFields(a, b) as { v: number }).v).toBe(v);
  });
});

describe('features (cases as data)', () => {
  const running = run([viewItem('running', T0), viewItem('running', T0 + MIN), viewItem('camping', T0 + 2 * MIN)]);
  const cases: Array<[string, number, Record<string, unknown>, Record<string, number>]> = [
    ['context: mobile, search, evening, weekend, campaign', T0 + 3 * MIN,
      { device: 'mobile', referrer: 'search', hour: 20, weekday: 6, utm: { campaign: 'Spring Sale' } },
      { 'ctx.mobile': 1, 'ctx.ref.search': 1, 'ctx.evening': 1, 'ctx.weekend': 1, 'ctx.campaign': 1, 'ctx.campaign.spring_sale': 1 }],
    ['in session', T0 + 3 * MIN, {}, { 'ctx.sessionStart': 0, 'stage.new': 1, 'rfm.frequency': Math.log1p(1) }],
    ['back the next day', T0 + DAY, { returning: true }, { 'ctx.sessionStart': 1, 'ctx.returning': 1 }],
  ];
  it.each(cases)('%s', (_label, now, context, expected) => {
    const f = visitorFeatures(snapshotAt(running, now), now, context);
    for (const [name, value] of Object.entries(expected)) expect(f[name]).toBeCloseTo(value, 9);
  });

  it('matches candidate tags against long-term, session and recent interest, and forgets session interest after the timeout', () => {
    const now = T0 + 3 * MIN;
    const own = candidateFeatures(snapshotAt(running, now), now, { id: 'r', tags: ['running'] });
    expect(own.tag).toBe('running');
    expect(own.features['match.long']).toBeGreaterThan(0.6);
    expect(own.features['match.short']).toBeGreaterThan(0.6);
    expect(own.features['match.recent']).toBeGreaterThan(0.5);
    const later = candidateFeatures(snapshotAt(running, T0 + DAY), T0 + DAY, { id: 'r', tags: ['running'] }).features;
    expect([later['match.short'], later['match.recent']]).toEqual([0, 0]);
    expect(later['match.long']).toBeGreaterThan(0.6);
  });

  const links = { drama: { comedy: 0.6, drama: 0.3 }, comedy: { drama: 0.2 } };
  const transitions: Array<[string, string[], number, string, number]> = [
    ['after one drama, comedy follows at its transition share', ['drama'], MIN, 'comedy', 0.6],
    ['the latest item weighs twice the one before', ['comedy', 'drama'], MIN, 'drama', (0.2 * 0.5 + 0.3) / 1.5],
    ['a tag with no row adds nothing', ['western'], MIN, 'comedy', 0],
    ['a visit just starting has no transition', ['drama'], DAY, 'comedy', 0],
    ['prototype-named categories find no row', ['constructor', '__proto__'], MIN, 'comedy', 0],
  ];
  it.each(transitions)('match.next: %s', (_label, genres, later, tag, expected) => {
    const p = run(genres.map((g, i) => viewItem(g, T0 + i)));
    const f = candidateFeatures(snapshotAt(p, T0 + later), T0 + later, { id: tag, tags: [tag] }, links).features;
    expect(f['match.next']).toBeCloseTo(expected, 9);
  });

  it('match.start carries long-term frequency only when a visit starts', () => {
    const p = run([viewItem('drama', T0), viewItem('comedy', T0 + 1)]);
    const live = candidateFeatures(snapshotAt(p, T0 + MIN), T0 + MIN, { id: 'd', tags: ['drama'] }).features;
    const starting = candidateFeatures(snapshotAt(p, T0 + DAY), T0 + DAY, { id: 'd', tags: ['drama'] }).features;
    expect(live['match.start']).toBe(0);
    expect(starting['match.start']).toBe(starting['match.freq']);
    expect(starting['match.start']).toBeGreaterThan(0.4);
  });

  it('turns traits and segment rules into features', () => {
    const p = run([ev('identify', T0, {}, { props: { userId: 'u', traits: { plan: 'Pro', vip: true, age: 31 } } as never })]);
    const f = visitorFeatures(snapshotAt(p, T0), T0, {}, { adults: { 'trait.age': [18, null] }, kids: { 'trait.age': [null, 17] } });
    expect(f).toMatchObject({ 'trait.plan:pro': 1, 'trait.vip': 1, 'trait.age': 31, 'seg.adults': 1 });
    expect(f['seg.kids']).toBeUndefined();
  });
});

describe('scoring and eligibility (cases as data)', () => {
  const m = model({ slots: { hero: [{ id: 'a', tags: ['x'], bias: 0.5, weights: { 'ctx.mobile': 1 } }] } });
  const a = m.slots.hero?.[0];
  const cases: Array<[string, Record<string, number>, Record<string, number>, number]> = [
    ['bias only', {}, {}, -1.5 + 0.5],
    ['global weight', {}, { 'match.long': 1 }, -1 + 3],
    ['candidate weight on a visitor feature', { 'ctx.mobile': 1 }, {}, -1 + 1],
    ['both', { 'ctx.mobile': 1 }, { 'match.long': 0.5, 'match.short': 0.5 }, -1 + 1 + 1.5 + 1],
  ];
  it.each(cases)('%s', (_label, visitor, own, expected) => {
    expect(logit(m, a, visitor, own)).toBeCloseTo(expected, 9);
  });

  const rules: Array<[string, Record<string, [number | null, number | null]>, Record<string, number>, boolean]> = [
    ['empty rule', {}, {}, true],
    ['min met', { 'ctx.mobile': [1, null] }, { 'ctx.mobile': 1 }, true],
    ['missing counts as 0', { 'ctx.mobile': [1, null] }, {}, false],
    ['max exceeded', { 'rfm.frequency': [null, 1] }, { 'rfm.frequency': 2 }, false],
    ['both bounds', { 'trait.age': [18, 30] }, { 'trait.age': 25 }, true],
  ];
  it.each(rules)('eligibility: %s', (_label, rule, features, ok) => {
    expect(satisfies(rule, features)).toBe(ok);
  });

  it('never shows an ineligible candidate, even the best match', () => {
    const mm = model({ slots: { hero: [{ id: 'run', tags: ['running'], eligibility: { 'ctx.mobile': [1, null] } }] } });
    const view = snapshotAt(run([viewItem('running', T0)]), T0 + MIN);
    expect(decideSlot('hero', [], view, mm, { context: { device: 'desktop' } }).variant).toBe('default');
    const d = decideSlot('hero', [], view, mm, { context: { device: 'mobile' } });
    expect(d.variant).toBe('run');
    expect(d.explanation[0]?.text).toMatch(/^long-term affinity for running: \+\d\.\d$/);
  });

  it('gives markup candidates the model entry with the same id', () => {
    const mm = model({ slots: { hero: [{ id: 'camp', tags: [], bias: 5 }] } });
    const view = snapshotAt(emptyProfile(), T0);
    expect(decideSlot('hero', [{ id: 'camp', tags: ['camping'] }, { id: 'run', tags: ['running'] }], view, mm).variant).toBe('camp');
  });
});

describe('holdout, exploration and learning', () => {
  const visitors = Array.from({ length: 4000 }, (_, i) => `device-${i}`);
  it('holds out a stable share of about 5% of visitors, the same for every slot and model', () => {
    const m = { ...BUILTIN_MODEL, holdout: 0.05 };
    const held = visitors.filter((v) => inHoldout(m, v));
    expect(held.length / visitors.length).toBeGreaterThan(0.04);
    expect(held.length / visitors.length).toBeLessThan(0.06);
    expect(visitors.filter((v) => inHoldout({ ...m, id: 'other' }, v))).toEqual(held);
    const view = snapshotAt(run([viewItem('running', T0)]), T0 + MIN);
    const mm = model({ holdout: 0.05, slots: { hero: [{ id: 'run', tags: ['running'] }] } });
    for (const visitor of held.slice(0, 20)) {
      expect(decideSlot('hero', [], view, mm, { visitor })).toMatchObject({ variant: 'default', group: 'holdout' });
    }
  });

  it('explores reproducibly once the visitor has seen the slot: the same seed gives the same choice, other seeds explore', () => {
    const mm = model({ explore: { noise: 2 }, slots: { hero: ['a', 'b', 'c', 'd'].map((id) => ({ id, tags: [] })) } });
    // A first visit is not explored (issue #17): exploration starts with the visitor's first feedback in the slot.
    const view = snapshotAt(run([ev('view_promotion', T0, { slot: 'hero', variant: 'default' })]), T0 + MIN);
    const pick = (seed: number) => decideSlot('hero', [], view, mm, { visitor: 'v1', seed }).variant;
    const first = Array.from({ length: 40 }, (_, i) => pick(i));
    expect(Array.from({ length: 40 }, (_, i) => pick(i))).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(2);
  });

  it('adapts within the session: clicks raise a variant, ignored impressions lower it', () => {
    const mm = model({ slots: { hero: [{ id: 'a', tags: [], bias: 0.2 }, { id: 'b', tags: [] }] } });
    const seen = (variant: string, n: number, ts: number) => Array.from({ length: n }, (_, i) => ev('view_promotion', ts + i, { slot: 'hero', variant }));
    const before = snapshotAt(emptyProfile(), T0);
    expect(decideSlot('hero', [], before, mm).variant).toBe('a');
    const p = run([...seen('a', 5, T0), ...seen('b', 2, T0 + 10), ev('select_promotion', T0 + 20, { slot: 'hero', variant: 'b' })]);
    const view = snapshotAt(p, T0 + MIN);
    const fb = slotFeedback(view, 'hero');
    expect(learned(mm, fb, 'b', '').mean).toBeGreaterThan(0);
    expect(learned(mm, fb, 'a', '').mean).toBeLessThan(0);
    const d = decideSlot('hero', [], view, mm);
    expect(d.variant).toBe('b');
    expect(d.explanation.some((c) => c.text.startsWith('your own responses to b: +'))).toBe(true);
  });
});

describe('offers and recommendations', () => {
  const content = { title: '10% off running shoes', body: 'Today only', code: 'RUN10', action: { label: 'Shop', url: '/running' } };
  const m = model({ offers: [{ id: 'run10', tags: ['running'], content }, { id: 'camp', tags: ['camping'], content: { title: 'Camp' } }] });

  it('offers what fits the visitor, or nothing', () => {
    const fan = snapshotAt(run([viewItem('running', T0)]), T0 + MIN);
    expect(decideOffer(fan, m)).toMatchObject({ slot: 'offer', variant: 'run10', content });
    const none = decideOffer(snapshotAt(emptyProfile(), T0), m);
    expect(none.variant).toBe('default');
    expect(none.content).toBeUndefined();
  });

  it('recommends diverse items and leaves out purchased ones', () => {
    const p = run([viewItem('running', T0), viewItem('running', T0 + 1), viewItem('camping', T0 + 2),
      ev('purchase', T0 + 3, {}, { items: [{ id: 'r1', category: 'running' }] })]);
    const items = [
      { id: 'r1', tags: ['cat:running'] }, { id: 'r2', tags: ['cat:running'] }, { id: 'r3', tags: ['cat:running'] },
      { id: 'c1', tags: ['cat:camping'] }, { id: 'x1', tags: ['cat:other'] },
    ];
    const picks = recommend('recs', items, snapshotAt(p, T0 + MIN), m, 2, {}, 1).map((r) => r.id);
    expect(picks).toEqual(['r2', 'c1']);
    expect(recommend('recs', items, snapshotAt(p, T0 + MIN), m, 2, {}, 0).map((r) => r.id)).toEqual(['r2', 'r3']);
  });

  it('covers more tastes with co-occurrence: after drama, comedy beats romance when most romances are dramas', () => {
    const p = run(['comedy', 'drama', 'drama', 'romance', 'drama', 'romance'].map((g, i) => viewItem(g, T0 + i)));
    const genres = ['drama', 'romance', 'comedy'].map((g) => ({ id: g, tags: [g] }));
    const view = snapshotAt(p, T0 + MIN);
    const byScore = recommend('recs', genres, view, m, 3, {}, 0).map((r) => r.id);
    const covering = recommend('recs', genres, view, { ...m, cooccur: { romance: { drama: 0.9 }, comedy: { drama: 0.1 } } }, 3).map((r) => r.id);
    expect(byScore).toEqual(['drama', 'romance', 'comedy']);
    expect(covering).toEqual(['drama', 'comedy', 'romance']);
  });

  it('declared slots are decidable without markup; choose is stable for the same inputs', () => {
    const mm = model({ slots: { banner: [{ id: 'run', tags: ['running'] }] } });
    const view = snapshotAt(run([viewItem('running', T0)]), T0 + MIN);
    const a = choose('banner', mm.slots.banner ?? [], view, mm, { visitor: 'v', seed: 1 });
    expect(a).toEqual(choose('banner', mm.slots.banner ?? [], view, mm, { visitor: 'v', seed: 1 }));
    expect(a.variant).toBe('run');
  });
});

describe('bad model JSON (cases as data) is rejected with a reason', () => {
  const base = { version: 1, id: 'm' };
  const cases: Array<[string, unknown, RegExp]> = [
    ['not JSON', '{', /not valid JSON/],
    ['not an object', [], /must be an object/],
    ['wrong version', { ...base, version: 2 }, /version must be 1/],
    ['non-finite weight', { ...base, weights: { a: 'x' } }, /weights\.a/],
    ['prototype key', JSON.parse('{"version":1,"id":"m","weights":{"__proto__":1}}'), /bad key/],
    ['holdout too large', { ...base, holdout: 0.9 }, /holdout/],
    ['bad candidate id', { ...base, slots: { hero: [{ id: '<b>', tags: [] }] } }, /id must match/],
    ['duplicate ids', { ...base, slots: { hero: [{ id: 'a' }, { id: 'a' }] } }, /duplicate/],
    ['bad eligibility', { ...base, slots: { hero: [{ id: 'a', eligibility: { x: [1] } }] } }, /\[min, max\]/],
    ['javascript URL in an offer', { ...base, offers: [{ id: 'o', content: { title: 't', action: { label: 'go', url: 'javascript:alert(1)' } } }] }, /http\(s\) URL or a path/],
    ['protocol-relative image', { ...base, offers: [{ id: 'o', content: { title: 't', image: '//evil.example/x.png' } }] }, /image must be an http/],
    ['offer without a title', { ...base, offers: [{ id: 'o', content: {} }] }, /title/],
    ['title too long', { ...base, offers: [{ id: 'o', content: { title: 'x'.repeat(121) } }] }, /title/],
    ['links not an object', { ...base, links: [] }, /links must be an object/],
    ['links row not an object', { ...base, links: { drama: 1 } }, /links\.drama must be an object/],
    ['transition above 1', { ...base, links: { drama: { comedy: 1.5 } } }, /links\.drama\.comedy must be a number in \[0, 1\]/],
    ['negative co-occurrence', { ...base, cooccur: { drama: { comedy: -0.1 } } }, /cooccur\.drama\.comedy must be a number in \[0, 1\]/],
    ['non-finite transition', { ...base, links: { drama: { comedy: 'x' } } }, /links\.drama\.comedy must be a number in \[0, 1\]/],
    ['prototype row', JSON.parse('{"version":1,"id":"m","links":{"__proto__":{"a":0.5}}}'), /links has a bad key/],
    ['prototype column', JSON.parse('{"version":1,"id":"m","cooccur":{"a":{"constructor":0.5}}}'), /cooccur\.a has a bad key/],
    ['too many rows', { ...base, links: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`t${i}`, {}])) }, /links must have at most 64 keys/],
    ['too many columns', { ...base, cooccur: { a: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`t${i}`, 0.1])) } }, /cooccur\.a must have at most 64 keys/],
  ];
  it.each(cases)('%s', (_label, input, reason) => {
    const result = parseModel(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('accepts the built-in model and a full document', () => {
    expect(parseModel(JSON.stringify(BUILTIN_MODEL))).toEqual({ ok: true, model: BUILTIN_MODEL });
    expect(parseModel({ ...base, offers: [{ id: 'o', tags: ['Running'], content: { title: 't', image: 'https://x.example/a.png' } }] }).ok).toBe(true);
    const matrices = { links: { drama: { comedy: 0.3, drama: 0.6 } }, cooccur: { romance: { drama: 0.8 } } };
    expect(parseModel({ ...base, ...matrices })).toMatchObject({ ok: true, model: matrices });
  });
});
