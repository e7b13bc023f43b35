/**
 * A snapshot read back from IndexedDB is untrusted: written by an older
 * version, edited in devtools, or corrupted. `isSnapshot` accepts what
 * `snapshotOf` makes and refuses everything else without throwing or
 * reaching Object.prototype; whatever it accepts decides without throwing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideSlot } from '../../src/core/decide.js';
import { type Model, parseModel } from '../../src/core/model.js';
import { decideOffer } from '../../src/core/offers.js';
import { type Profile, apply, emptyProfile } from '../../src/core/profile.js';
import { recommend } from '../../src/core/recommend.js';
import { type DecisionSnapshot, SNAPSHOT_VERSION, isSnapshot, snapshotOf } from '../../src/core/snapshot.js';
import { viewProfile } from '../../src/core/view.js';

const T0 = Date.UTC(2026, 10, 23, 9);

function visitor(): Profile {
  let p = emptyProfile();
  for (const [i, category] of ['running', 'camping', 'running'].entries()) {
    p = apply(p, { name: 'view_item', ts: T0 + i, props: {}, items: [{ id: `i${i}`, category, brand: 'acme', price: 50 }] }).profile;
  }
  p = apply(p, { name: 'view_promotion', ts: T0 + 5, props: { slot: 'hero', variant: 'v1' } }).profile;
  return apply(p, { name: 'identify', ts: T0 + 6, props: { userId: 'u1', traits: { plan: 'pro' } } }).profile;
}

const good = (): DecisionSnapshot => JSON.parse(JSON.stringify(snapshotOf(viewProfile(visitor(), T0 + 60_000)))) as DecisionSnapshot;

const parsed = parseModel({
  version: 1, id: 'shape', bias: -1, weights: { 'match.long': 2, 'match.next': 1, 'rfm.monetary': 1 }, holdout: 0, explore: { noise: 0.5 },
  slots: { hero: [{ id: 'v1', tags: ['running'] }, { id: 'v2', tags: ['camping', 'brand:acme'] }] },
  offers: [{ id: 'o1', tags: ['running'], content: { title: 'Ten off' } }],
  links: { running: { camping: 0.5 } },
});
if (!parsed.ok) throw new Error(parsed.reason);
const model: Model = parsed.model;

/** Decides every way a page can from `snapshot`; throws if any of them does. */
function decideAll(snapshot: DecisionSnapshot): void {
  decideSlot('hero', [], snapshot, model, { visitor: 'u1', seed: 1, now: T0 + 120_000 });
  decideSlot('hero', [{ id: 'v3', tags: ['constructor', 'cat:__proto__', 'toString'] }], snapshot, model, { visitor: 'u1' });
  decideOffer(snapshot, model, { visitor: 'u1' });
  recommend('hero', [{ id: 'constructor', tags: ['running'] }, { id: 'x', tags: ['tag:trail'] }], snapshot, model, 2);
}

describe('isSnapshot', () => {
  it('accepts what snapshotOf makes, as stored and as read back, and an empty profile', () => {
    const made = snapshotOf(viewProfile(visitor(), T0 + 60_000));
    expect(isSnapshot(made)).toBe(true);
    expect(isSnapshot(good())).toBe(true);
    expect(isSnapshot(structuredClone(made))).toBe(true);
    expect(isSnapshot(snapshotOf(viewProfile(emptyProfile(), T0)))).toBe(true);
    expect(good()).toMatchObject({ v: SNAPSHOT_VERSION, at: T0 + 60_000 });
    expect(Object.keys(good().a.l)).toEqual(expect.arrayContaining(['cat:running', 'cat:camping', 'brand:acme']));
  });

  const broken: Array<[string, (s: Record<string, unknown>) => unknown]> = [
    ['nothing', () => undefined],
    ['null', () => null],
    ['a string', () => JSON.stringify(good())],
    ['a number', () => 1],
    ['an array', (s) => [s]],
    ['another version', (s) => ({ ...s, v: SNAPSHOT_VERSION + 1 })],
    ['a version as text', (s) => ({ ...s, v: String(SNAPSHOT_VERSION) })],
    ['no version', ({ v: _, ...s }) => s],
    ['no time', ({ at: _, ...s }) => s],
    ['a time that is not a number', (s) => ({ ...s, at: '2026-11-23' })],
    ['an infinite time', (s) => ({ ...s, at: Infinity })],
    ['counters as an array', (s) => ({ ...s, n: [1, 2] })],
    ['a counter as text', (s) => ({ ...s, n: { 's.count': '3' } })],
    ['a NaN counter', (s) => ({ ...s, n: { 's.count': NaN } })],
    ['a register holding an object', (s) => ({ ...s, r: { 'u.plan': { toString: 1 } } })],
    ['a register text of a megabyte', (s) => ({ ...s, r: { 'u.plan': 'x'.repeat(1 << 20) } })],
    ['no horizons', (s) => ({ ...s, a: {} })],
    ['a horizon missing', (s) => ({ ...s, a: { l: {}, s: {} } })],
    ['a strength of one number', (s) => ({ ...s, a: { l: { 'cat:x': [0.5] }, s: {}, r: {} } })],
    ['a strength as text', (s) => ({ ...s, a: { l: { 'cat:x': ['0.5', 0.5] }, s: {}, r: {} } })],
    ['a share above 1', (s) => ({ ...s, a: { l: { 'cat:x': [1.5, 0.5] }, s: {}, r: {} } })],
    ['a negative share', (s) => ({ ...s, a: { l: { 'cat:x': [0.5, -0.1] }, s: {}, r: {} } })],
    ['a huge strength array', (s) => ({ ...s, a: { l: { 'cat:x': new Array(1_000_000).fill(0.5) }, s: {}, r: {} } })],
    ['a negative age', (s) => ({ ...s, ages: { 'cat:x': -1 } })],
    ['ages as an array', (s) => ({ ...s, ages: [0, 1] })],
    ['too many counters', (s) => ({ ...s, n: Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`b.i.hero.v${i}`, 1])) })],
    ['a key too long', (s) => ({ ...s, n: { ['b.i.hero.' + 'x'.repeat(300)]: 1 } })],
    ['a `constructor` counter', (s) => ({ ...s, n: { constructor: 1 } })],
  ];
  it.each(broken)('refuses %s', (_label, make) => {
    expect(isSnapshot(make(good() as unknown as Record<string, unknown>))).toBe(false);
  });

  it('refuses `__proto__` keys as JSON.parse and IndexedDB make them (own properties), anywhere', () => {
    const text = JSON.stringify(good());
    for (const hostile of [
      text.replace('"n":{', '"n":{"__proto__":{"s.count":5},'),
      text.replace('"r":{', '"r":{"__proto__":"x",'),
      text.replace('"ages":{', '"ages":{"__proto__":1,'),
      text.replace('"l":{', '"l":{"__proto__":[0.5,0.5],'),
      text.replace('"a":{', '"a":{"__proto__":{"l":{}},'),
    ]) {
      const value: unknown = JSON.parse(hostile);
      expect(isSnapshot(value)).toBe(false);
    }
    expect(({} as Record<string, unknown>)['s.count']).toBeUndefined();
  });

  it('reads own keys only: inherited fields, or fields a host page put on Object.prototype, do not count', () => {
    const { a, ...rest } = good();
    expect(isSnapshot(Object.assign(Object.create({ a }) as object, rest))).toBe(false);
    const proto = Object.prototype as Record<string, unknown>;
    proto.a = a;
    try {
      expect(isSnapshot(rest)).toBe(false);
    } finally {
      delete proto.a;
    }
  });

  it('never throws, on getters that throw and proxies that trap', () => {
    const s = good() as unknown as Record<string, unknown>;
    Object.defineProperty(s, 'n', { enumerable: true, get: () => { throw new Error('hostile'); } });
    expect(isSnapshot(s)).toBe(false);
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('hostile'); }, get: () => { throw new Error('hostile'); }, getOwnPropertyDescriptor: () => { throw new Error('hostile'); } });
    expect(isSnapshot(trap)).toBe(false);
    expect(isSnapshot({ ...good(), n: trap })).toBe(false);
  });

  it('never throws on any JSON value, and what it accepts decides without throwing', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      if (isSnapshot(value)) decideAll(value);
    }), { numRuns: 300 });
  });

  it('whatever well-formed snapshot it accepts (any counters, registers, shares and ages) decides without throwing', () => {
    const key = fc.constantFrom('s.count', 'm.value', 'n.purchase', 'n.page_view', 'b.i.hero.v1', 'b.k.hero.v2', 'b.v.offer.o1', 'i.p.x', 't.last', 's.gap', 'c.checkout', 'u.plan', 'u.id', 'b.i.', 'b.');
    const label = fc.constantFrom('cat:running', 'cat:camping', 'brand:acme', 'tag:trail', 'running', 'cat:', ':x', 'ev:n', 'cat:constructor');
    const scalar = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 8 }), fc.boolean(), fc.constant(null));
    const share = fc.double({ min: 0, max: 1, noNaN: true });
    const snapshot = fc.record({
      v: fc.constant(SNAPSHOT_VERSION),
      at: fc.double({ noNaN: true, noDefaultInfinity: true }),
      n: fc.dictionary(key, fc.double({ noNaN: true, noDefaultInfinity: true })),
      r: fc.dictionary(key, scalar),
      a: fc.record({ l: fc.dictionary(label, fc.tuple(share, share)), s: fc.dictionary(label, fc.tuple(share, share)), r: fc.dictionary(label, fc.tuple(share, share)) }),
      ages: fc.dictionary(label, fc.double({ min: 0, noNaN: true, noDefaultInfinity: true })),
    });
    fc.assert(fc.property(snapshot, (s) => {
      expect(isSnapshot(s)).toBe(true);
      decideAll(s as DecisionSnapshot);
    }), { numRuns: 300 });
  });
});

describe('snapshotOf', () => {
  it('leaves out or clamps what only corrupted storage holds, so the page never stores a snapshot it would refuse', () => {
    const p = visitor();
    const corrupt: Profile = {
      ...p,
      remote: {
        other: {
          seq: 1,
          fields: {
            's.count': { k: 'c', v: NaN },
            'm.value': { k: 'c', v: Infinity },
            'u.plan': { k: 'r', v: { nested: true } as never, t: T0 + 10 },
            'u.bio': { k: 'r', v: 'y'.repeat(5000), t: T0 + 10 },
            'a.l.cat:running': { k: 'd', v: -50, t: T0 },
            'a.l.cat:broken': { k: 'd', v: NaN, t: T0 },
            'a.r.cat:future': { k: 'd', v: 1, t: 1e9 },
          },
        },
      },
    };
    const made = snapshotOf(viewProfile(corrupt, T0 + 60_000));
    expect(isSnapshot(made)).toBe(true);
    expect(isSnapshot(JSON.parse(JSON.stringify(made)))).toBe(true);
    expect(made.n).not.toHaveProperty('s.count');
    expect(made.r).not.toHaveProperty('u.bio');
    expect(made.a.l).not.toHaveProperty('cat:broken');
    decideAll(made);
  });
});

describe('untyped callers', () => {
  it('a candidate whose tags are a string (not a list) is matched as before, without a TypeError from the shared matches', () => {
    const snapshot = good();
    const odd = { id: 'v9', tags: 'running' as unknown as string[] };
    expect(() => decideSlot('hero', [odd], snapshot, model, { visitor: 'u1' })).not.toThrow();
    expect(() => recommend('hero', [odd], snapshot, model, 1)).not.toThrow();
  });
});
