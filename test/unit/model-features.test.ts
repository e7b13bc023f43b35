// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { TrackedEvent } from '../../src/core/events.js';
import { candidateFeatures, sharedVisitorFeatures, tagStrength, visitorFeatures } from '../../src/core/features.js';
import { type Model, type TagMatrix, logit, parseModel, weightOf } from '../../src/core/model.js';
import { type Profile, apply, emptyProfile } from '../../src/core/profile.js';
import { snapshotAt } from './support/snapshot-at.js';
import { catalogItems } from '../../src/render/catalog.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;
const seen = (categories: string[], ts: number): TrackedEvent =>
  ({ name: 'view_item', ts, props: {}, items: categories.map((category) => ({ id: `m${ts}`, category })) });
const run = (events: TrackedEvent[]): Profile => events.reduce((p, e) => apply(p, e).profile, emptyProfile());

function model(extra: Record<string, unknown> = {}): Model {
  const parsed = parseModel({ version: 1, id: 't', weights: { 'match.freq': 2 }, holdout: 0, explore: { noise: 0 }, ...extra });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.model;
}

describe('tag strength: share of affinity and per-event frequency (cases as data)', () => {
  // Two movies: one drama+comedy, one drama. Drama touched 2 of 2 events (3 genre labels in all).
  const history = [seen(['drama', 'comedy'], T0), seen(['drama'], T0 + MIN)];
  const cases: Array<[string, string, 'l' | 's' | 'r', number, number]> = [
    ['drama, long-term', 'drama', 'l', 2 / 3, 1],
    ['comedy, long-term', 'comedy', 'l', 1 / 3, 1 / 2],
    ['qualified tag', 'cat:comedy', 'l', 1 / 3, 1 / 2],
    ['other dimension', 'brand:drama', 'l', 0, 0],
    ['unknown tag', 'western', 'l', 0, 0],
  ];
  it.each(cases)('%s', (_label, tag, horizon, share, frequency) => {
    const [s, f] = tagStrength(snapshotAt(run(history), T0 + 2 * MIN), horizon, tag);
    expect(s).toBeCloseTo(share, 2);
    expect(f).toBeCloseTo(frequency, 2);
  });

  it('falls back to the share for profiles stored before events were counted, and never exceeds 1', () => {
    const p = run(history);
    const fields = Object.fromEntries(Object.entries(p.own.fields).filter(([key]) => !key.endsWith('.ev:n')));
    const legacy = snapshotAt({ ...p, own: { ...p.own, fields } }, T0 + 2 * MIN);
    expect(tagStrength(legacy, 'l', 'drama')).toEqual([2 / 3, 2 / 3].map((x) => expect.closeTo(x, 2)));
    const twice = run([{ name: 'view_item', ts: T0, props: {}, items: [{ id: 'a', category: 'x' }, { id: 'b', category: 'x' }] }]);
    expect(tagStrength(snapshotAt(twice, T0), 'l', 'x')[1]).toBe(1);
  });

  it('gives candidates match.freq always and match.now only while the visit goes on', () => {
    const p = run(history);
    expect(candidateFeatures(snapshotAt(p, T0 + 2 * MIN), T0 + 2 * MIN, { id: 'c', tags: ['comedy'] }).features)
      .toMatchObject({ 'match.freq': expect.closeTo(0.5, 2), 'match.now': expect.closeTo(0.45, 1) });
    expect(candidateFeatures(snapshotAt(p, T0 + DAY), T0 + DAY, { id: 'c', tags: ['comedy'] }).features)
      .toMatchObject({ 'match.freq': expect.closeTo(0.5, 1), 'match.now': 0, 'match.short': 0 });
  });
});

describe('recency is the time away from this visit when it starts (cases as data)', () => {
  const p = run([seen(['a'], T0), seen(['a'], T0 + 3 * DAY)]);
  const cases: Array<[string, number, number]> = [
    ['within the second session: the gap before it', T0 + 3 * DAY + MIN, Math.log1p(3)],
    ['starting a visit 10 days later: 10 days', T0 + 13 * DAY, Math.log1p(10)],
  ];
  it.each(cases)('%s', (_label, now, recency) => {
    expect(visitorFeatures(snapshotAt(p, now), now)['rfm.recency']).toBeCloseTo(recency, 6);
  });
});

describe('compiled weights (cases as data)', () => {
  const m = model({ weights: { x: 1, y: 2 }, slots: { s: [{ id: 'a', tags: [], bias: 0.5, weights: { y: -1, z: 3 } }] } });
  const a = m.slots.s?.[0];
  const cases: Array<[string, string, number]> = [['global only', 'x', 1], ['global plus own', 'y', 1], ['own only', 'z', 3], ['neither', 'w', 0]];
  it.each(cases)('%s', (_label, name, weight) => expect(weightOf(m, a, name)).toBe(weight));

  it('scores the same from objects and from entry lists, and per model', () => {
    const visitor = { x: 2, y: 1, w: 9 };
    expect(logit(m, a, visitor, { z: 1 })).toBe(0.5 + 2 + 1 + 3);
    expect(logit(m, a, Object.entries(visitor), Object.entries({ z: 1 }))).toBe(logit(m, a, visitor, { z: 1 }));
    const other = { ...m, weights: { x: 10 } };
    expect(logit(other, a, visitor, {})).toBe(0.5 + 20 - 1);
  });
});

describe('catalog items for recommend() from markup and the model', () => {
  const cases: Array<[string, string, string[]]> = [
    ['markup items of the named container, cleaned, then model candidates',
      `<div data-o2o-recommend="recs"><a data-o2o-item="r1" data-o2o-category="Running"></a><a data-o2o-item="r1"></a>
       <a data-o2o-item="c1" data-o2o-brand="acme" data-o2o-tags="trail"></a></div>
       <div data-o2o-recommend="other"><a data-o2o-item="x"></a></div>`,
      ['r1:cat:running', 'c1:tag:trail,brand:acme', 'm1:cat:running']],
    ['blank ids are dropped and long ones cut to 64 characters',
      `<div data-o2o-recommend="recs"><a data-o2o-item=" "></a><a data-o2o-item="${'x'.repeat(300)}"></a></div>`,
      [`${'x'.repeat(64)}:`, 'm1:cat:running']],
  ];
  it.each(cases)('%s', (_label, html, expected) => {
    document.body.innerHTML = html;
    const m = model({ slots: { recs: [{ id: 'default', tags: [] }, { id: 'm1', tags: ['cat:running'] }] } });
    expect(catalogItems(document, 'recs', m).map((c) => `${c.id}:${c.tags.join(',')}`)).toEqual(expected);
  });
});

describe('context features of the moment (cases as data)', () => {
  const p = run([seen(['a'], T0)]);
  const moment = (context: Record<string, unknown>): string[] =>
    Object.entries(visitorFeatures(snapshotAt(p, T0 + MIN), T0 + MIN, context)).filter(([name, v]) => /^ctx\.(night|morning|afternoon|evening|weekend)$/.test(name) && v).map(([name]) => name);
  const hours: Array<[number, string]> = [[0, 'night'], [4, 'night'], [5, 'morning'], [11, 'morning'], [12, 'afternoon'], [17, 'afternoon'], [18, 'evening'], [23, 'evening']];
  it.each(hours)('hour %i is %s, and nothing else', (hour, part) => {
    expect(moment({ hour })).toEqual([`ctx.${part}`]);
  });
  it.each([[0, 1], [1, 0], [3, 0], [5, 0], [6, 1]])('weekday %i: ctx.weekend = %i', (weekday, weekend) => {
    expect(visitorFeatures(snapshotAt(p, T0 + MIN), T0 + MIN, { weekday })['ctx.weekend']).toBe(weekend);
  });
  it('sets no time features when the moment is unknown', () => {
    expect(moment({})).toEqual([]);
    expect(visitorFeatures(snapshotAt(p, T0 + MIN), T0 + MIN, {})).not.toHaveProperty('ctx.weekend');
  });
});

describe('returning visitor and checkout intent (cases as data)', () => {
  const once = run([seen(['a'], T0)]);
  const twice = run([seen(['a'], T0), seen(['a'], T0 + DAY)]);
  const returning: Array<[string, Profile, Record<string, unknown>, number]> = [
    ['first session, nothing said', once, {}, 0],
    ['second session, nothing said', twice, {}, 1],
    ['first session, the browser says returning', once, { returning: true }, 1],
    ['second session, the browser says new', twice, { returning: false }, 0],
  ];
  it.each(returning)('%s: ctx.returning = %i', (_label, profile, context, expected) => {
    expect(visitorFeatures(snapshotAt(profile, T0 + DAY + MIN), T0 + DAY + MIN, context)['ctx.returning']).toBe(expected);
  });

  const checkout = (events: TrackedEvent[]): Profile => events.reduce((q, e) => apply(q, e).profile, run([seen(['a'], T0)]));
  const started = checkout([{ name: 'begin_checkout', ts: T0 + MIN, props: {} }]);
  const bought = checkout([{ name: 'begin_checkout', ts: T0 + MIN, props: {} }, { name: 'purchase', ts: T0 + 2 * MIN, props: {}, value: 5 }]);
  const rebegun = checkout([{ name: 'purchase', ts: T0 + MIN, props: {}, value: 5 }, { name: 'begin_checkout', ts: T0 + 2 * MIN, props: {} }]);
  const intent: Array<[string, Profile, number, number]> = [
    ['no checkout begun', run([seen(['a'], T0)]), T0 + 2 * MIN, 0],
    ['checkout begun a minute ago', started, T0 + 2 * MIN, 1],
    ['checkout begun just under a day ago', started, T0 + MIN + DAY - 1, 1],
    ['checkout begun a day ago', started, T0 + MIN + DAY, 0],
    ['checkout begun, then bought', bought, T0 + 3 * MIN, 0],
    ['bought, then a new checkout begun', rebegun, T0 + 3 * MIN, 1],
  ];
  it.each(intent)('%s: intent.checkout = %i', (_label, profile, now, expected) => {
    expect(visitorFeatures(snapshotAt(profile, now), now)['intent.checkout']).toBe(expected);
  });
});

describe('which tag explains a match', () => {
  // Running three times, then camping twice 25 minutes later: running leads long-term, camping this session.
  const p = run([seen(['running'], T0), seen(['running'], T0 + 1), seen(['running'], T0 + 2), seen(['camping'], T0 + 25 * MIN), seen(['camping'], T0 + 25 * MIN + 1)]);
  const view = snapshotAt(p, T0 + 26 * MIN);
  it('is the tag with the largest long-term share, wherever it stands among the tags', () => {
    expect(candidateFeatures(view, view.at, { id: 'x', tags: ['running', 'camping'] }).tag).toBe('running');
    expect(candidateFeatures(view, view.at, { id: 'x', tags: ['camping', 'running'] }).tag).toBe('running');
    expect(candidateFeatures(view, view.at, { id: 'x', tags: ['western', 'running', 'drama'] }).tag).toBe('running');
    // Camping's larger session share does not take over while running leads long-term.
    const [campingShort, runningShort] = [tagStrength(view, 's', 'camping')[0], tagStrength(view, 's', 'running')[0]];
    expect(campingShort).toBeGreaterThan(runningShort);
  });
  it('is the first of equally strong tags, and none when nothing matches', () => {
    expect(candidateFeatures(view, view.at, { id: 'x', tags: ['running', 'cat:running'] }).tag).toBe('running');
    expect(candidateFeatures(view, view.at, { id: 'x', tags: ['cat:running', 'running'] }).tag).toBe('cat:running');
    expect(candidateFeatures(view, view.at, { id: 'x', tags: ['western', 'drama'] }).tag).toBeUndefined();
    expect(candidateFeatures(view, view.at, { id: 'x', tags: [] }).tag).toBeUndefined();
  });
});

describe('session liveness and visit start, at the boundaries', () => {
  const p = run([seen(['running'], T0)]);
  it('is live until exactly the session timeout, then starting', () => {
    const at = (now: number) => candidateFeatures(snapshotAt(p, now), now, { id: 'x', tags: ['running'] }).features;
    expect(at(T0 + 30 * MIN - 1)['match.short']).toBeGreaterThan(0);
    expect(at(T0 + 30 * MIN)).toMatchObject({ 'match.short': 0, 'match.recent': 0, 'match.now': 0 });
    expect(at(T0 + 30 * MIN)['match.start']).toBeGreaterThan(0);
    expect(visitorFeatures(snapshotAt(p, T0 + 30 * MIN - 1), T0 + 30 * MIN - 1)['ctx.sessionStart']).toBe(0);
    expect(visitorFeatures(snapshotAt(p, T0 + 30 * MIN), T0 + 30 * MIN)['ctx.sessionStart']).toBe(1);
  });
  it('a visitor with no history is starting a visit', () => {
    expect(visitorFeatures(snapshotAt(emptyProfile(), T0), T0)).toMatchObject({ 'ctx.sessionStart': 1, 'rfm.recency': 0 });
  });
  it('a last-event time that is not a number (bad data from another device) never makes a session live', () => {
    // Running was viewed yesterday here; another device's newer `t.last` is a string of digits.
    const remote = { ...run([seen(['running'], T0 - DAY)]), remote: { other: { seq: 1, fields: { 't.last': { k: 'r' as const, v: String(T0), t: T0 } } } } };
    expect(snapshotAt(remote, T0 + MIN).r['t.last']).toBe(String(T0));
    const features = candidateFeatures(snapshotAt(remote, T0 + MIN), T0 + MIN, { id: 'x', tags: ['running'] }).features;
    expect(features['match.start']).toBeGreaterThan(0);
    expect(features['match.short']).toBe(0);
    expect(visitorFeatures(snapshotAt(remote, T0 + MIN), T0 + MIN)['ctx.sessionStart']).toBe(1);
  });
});

describe('transitions (match.next) read only real labels', () => {
  // `western` has no row in the links below.
  const p = run([seen(['western'], T0), seen(['running'], T0 + 1)]);
  const view = (): ReturnType<typeof snapshotAt> => snapshotAt(p, T0 + MIN);
  it("ignores the item-event counter's label and labels without a row, even where a tag is named like them", () => {
    // A tag `n` matches the `ev:n` counter's bare name, and `undefined` is what a missing row would be looked up as.
    const links = { n: { camping: 1 }, undefined: { camping: 1 }, running: { trail: 1 } };
    expect(candidateFeatures(view(), T0 + MIN, { id: 'x', tags: ['camping'] }, links).features['match.next']).toBe(0);
    expect(candidateFeatures(view(), T0 + MIN, { id: 'x', tags: ['trail'] }, links).features['match.next']).toBe(1);
  });
});

describe('strengths are computed once per snapshot', () => {
  /** A snapshot that counts how often its affinity strengths and item ages are read. */
  function counted() {
    const reads = { a: 0, ages: 0 };
    const base = snapshotAt(run([seen(['running'], T0), seen(['camping'], T0 + 1)]), T0 + MIN);
    const view = new Proxy(base, {
      get(target, key, receiver) {
        if (key === 'a' || key === 'ages') reads[key]++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    return { view, reads };
  }
  it('reads its strengths once per horizon for bare tags, and its ages once per model for transitions', () => {
    const { view, reads } = counted();
    const first = tagStrength(view, 'l', 'running');
    const after = reads.a;
    expect(after).toBe(1);
    expect(tagStrength(view, 'l', 'running')).toBe(first);
    expect(tagStrength(view, 'l', 'camping')[0]).toBeGreaterThan(0);
    expect(tagStrength(view, 'l', 'nothing')).toEqual([0, 0]);
    expect(reads.a).toBe(after);
    tagStrength(view, 's', 'camping');
    expect(reads.a).toBe(after + 1);
    // A qualified tag is one own-key read.
    expect(tagStrength(view, 'l', 'cat:running')).toEqual(first);
    expect(reads.a).toBe(after + 2);
    const links = { running: { camping: 1 } };
    const a = candidateFeatures(view, view.at, { id: 'x', tags: ['camping'] }, links).features['match.next'];
    const ages = reads.ages;
    expect(ages).toBeGreaterThan(0);
    expect(candidateFeatures(view, view.at, { id: 'y', tags: ['camping'] }, links).features['match.next']).toBe(a);
    expect(reads.ages).toBe(ages);
    // Another model's transitions are worked out afresh.
    expect(candidateFeatures(view, view.at, { id: 'y', tags: ['camping'] }, { camping: { camping: 1 } }).features['match.next']).toBeGreaterThan(0);
    expect(reads.ages).toBeGreaterThan(ages);
  });
});

describe('visitor features: names and values', () => {
  it('sets context features only for what is known, with cleaned, capped names', () => {
    const f = visitorFeatures(snapshotAt(emptyProfile(), T0), T0, {});
    expect(Object.keys(f).filter((name) => name.includes('undefined'))).toEqual([]);
    expect(Object.keys(f).filter((name) => name.startsWith('ctx.'))).toEqual(['ctx.returning', 'ctx.sessionStart']);
    const campaign = visitorFeatures(snapshotAt(emptyProfile(), T0), T0, { utm: { campaign: 'Summer Sale! ' + 'x'.repeat(60) } });
    expect(campaign[`ctx.campaign.summer_sale__${'x'.repeat(27)}`]).toBe(1);
  });

  it('turns traits into features, but never the user id, and skips values that are not scalars', () => {
    const p = run([{ name: 'identify', ts: T0, props: { userId: 'user-1', traits: { plan: 'Pro Plan', age: 31, vip: true, gone: null, [`l${'o'.repeat(50)}ng`]: 'v' } } }]);
    const traits = Object.entries(visitorFeatures(snapshotAt(p, T0 + MIN), T0 + MIN)).filter(([name]) => name.startsWith('trait.'));
    expect(Object.fromEntries(traits)).toEqual({ 'trait.plan:pro_plan': 1, 'trait.age': 31, 'trait.vip': 1, [`trait.l${'o'.repeat(39)}:v`]: 1 });
  });

  it('scales spend and cart value by ln(1 + x)', () => {
    const p = run([
      seen(['a'], T0),
      { name: 'purchase', ts: T0 + 1, props: {}, value: 80 },
      { name: 'add_to_cart', ts: T0 + 2, props: {}, value: 25.5 },
    ]);
    expect(visitorFeatures(snapshotAt(p, T0 + MIN), T0 + MIN)).toMatchObject({ 'rfm.monetary': Math.log1p(80), 'intent.cart': Math.log1p(25.5) });
    expect(visitorFeatures(snapshotAt(emptyProfile(), T0), T0)).toMatchObject({ 'rfm.monetary': 0, 'intent.cart': 0 });
  });

  it('counts a purchase at the same moment as the checkout began as the checkout done', () => {
    const p = run([{ name: 'begin_checkout', ts: T0, props: {} }, { name: 'purchase', ts: T0, props: {}, value: 5 }]);
    expect(visitorFeatures(snapshotAt(p, T0 + MIN), T0 + MIN)['intent.checkout']).toBe(0);
  });
});

describe('features shared by the decisions on one snapshot', () => {
  const p = run([seen(['running'], T0), seen(['camping'], T0 + 1), seen(['running'], T0 + 2)]);
  const links = { running: { camping: 0.5 }, camping: { running: 0.7 } };
  const tags = ['running', 'trail'];
  it('match a tag list once per liveness and links: the same list asked at a live moment, after the visit and live again reads right each time', () => {
    const snapshot = snapshotAt(p, T0 + MIN);
    const fresh = (now: number, l: TagMatrix = links) => candidateFeatures(snapshotAt(p, T0 + MIN), now, { id: 'x', tags }, l).features;
    const live = candidateFeatures(snapshot, T0 + MIN, { id: 'x', tags }, links);
    expect(candidateFeatures(snapshot, T0 + 2 * MIN, { id: 'y', tags }, links)).toBe(live);
    expect(live.features).toEqual(fresh(T0 + MIN));
    expect(live.features['match.short']).toBeGreaterThan(0);
    const over = candidateFeatures(snapshot, T0 + DAY, { id: 'x', tags }, links).features;
    expect(over).toEqual(fresh(T0 + DAY));
    expect(over).toMatchObject({ 'match.short': 0, 'match.recent': 0, 'match.next': 0 });
    expect(candidateFeatures(snapshot, T0 + MIN, { id: 'x', tags }, links).features).toEqual(live.features);
    const other = { running: { running: 1 } };
    expect(candidateFeatures(snapshot, T0 + MIN, { id: 'x', tags }, other).features).toEqual(fresh(T0 + MIN, other));
    // Another list is matched on its own, never answered from the first one.
    expect(candidateFeatures(snapshot, T0 + MIN, { id: 'x', tags: ['camping'] }, links).features)
      .toEqual(candidateFeatures(snapshotAt(p, T0 + MIN), T0 + MIN, { id: 'x', tags: ['camping'] }, links).features);
  });
  it('compute visitor features once for the same moment, context and segments, and again when any of them changes', () => {
    const snapshot = snapshotAt(p, T0 + MIN);
    const context = { device: 'mobile' as const };
    const segments = { big: { 'rfm.frequency': [0.5, null] as [number, null] } };
    const first = sharedVisitorFeatures(snapshot, T0 + MIN, context, segments);
    expect(first).toEqual(visitorFeatures(snapshot, T0 + MIN, context, segments));
    expect(sharedVisitorFeatures(snapshot, T0 + MIN, context, segments)).toBe(first);
    const later = sharedVisitorFeatures(snapshot, T0 + DAY, context, segments);
    expect(later).toEqual(visitorFeatures(snapshot, T0 + DAY, context, segments));
    expect(later['ctx.sessionStart']).toBe(1);
    expect(sharedVisitorFeatures(snapshot, T0 + DAY, { device: 'desktop' }, segments)).toEqual(visitorFeatures(snapshot, T0 + DAY, { device: 'desktop' }, segments));
    expect(sharedVisitorFeatures(snapshot, T0 + DAY, context, {})).not.toHaveProperty('seg.big');
    expect(sharedVisitorFeatures(snapshotAt(p, T0 + MIN), T0 + MIN, context, segments)).not.toBe(first);
  });
});

describe('bare and qualified tags', () => {
  it('a bare tag matches its value in the four dimensions only (the strongest share and frequency), a qualified one its own label', () => {
    const snapshot = snapshotAt(emptyProfile(), T0);
    snapshot.a.l = { 'cat:running': [0.2, 0.5], 'brand:running': [0.6, 0.1], 'odd:running': [0.9, 0.9], 'tag:a:b': [0.3, 0.3] };
    expect(tagStrength(snapshot, 'l', 'running')).toEqual([0.6, 0.5]);
    expect(tagStrength(snapshot, 'l', 'odd:running')).toEqual([0.9, 0.9]);
    expect(tagStrength(snapshot, 'l', 'cat:running')).toEqual([0.2, 0.5]);
    // `a:b` is qualified (dimension `a`): the tag dimension's value `a:b` does not answer it.
    expect(tagStrength(snapshot, 'l', 'a:b')).toEqual([0, 0]);
    expect(tagStrength(snapshot, 'l', 'constructor')).toEqual([0, 0]);
    expect(tagStrength(snapshot, 'l', 'cat:constructor')).toEqual([0, 0]);
  });
});
