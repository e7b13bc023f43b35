import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Field, joinFields } from '../../src/core/field.js';
import { type Delta, type DeviceState, applyDeltas, compactDeltas, isDelta, mergeReplicas } from '../../src/core/merge.js';
import { joinReplica, readReplica } from '../../src/sync/pull.js';

const field: fc.Arbitrary<Field> = fc.oneof(
  fc.record({ k: fc.constant('c' as const), v: fc.nat() }),
  fc.record({ k: fc.constant('m' as const), v: fc.integer() }),
  fc.record({ k: fc.constant('d' as const), v: fc.double({ min: 0, max: 1e6, noNaN: true }), t: fc.nat() }),
  fc.record({ k: fc.constant('r' as const), v: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), t: fc.nat() }),
);
const delta: fc.Arbitrary<Delta> = fc.record({ s: fc.nat(1000), key: fc.constantFrom('n.a', 'n.b', 'a.l.cat:x', 'u.id'), f: field });
const state: fc.Arbitrary<DeviceState> = fc.array(delta, { maxLength: 12 }).map((ds) => applyDeltas({ seq: 0, fields: {} }, ds));
const replica = fc.dictionary(fc.constantFrom('d1', 'd2', 'd3'), state);

describe('merge laws', () => {
  it('field join is commutative, associative and idempotent', () => {
    fc.assert(fc.property(field, field, field, (a, b, c) => {
      expect(joinFields(a, b)).toEqual(joinFields(b, a));
      expect(joinFields(joinFields(a, b), c)).toEqual(joinFields(a, joinFields(b, c)));
      expect(joinFields(a, a)).toEqual(a);
    }));
  });

  it('replica merge is commutative, associative and idempotent', () => {
    fc.assert(fc.property(replica, replica, replica, (a, b, c) => {
      expect(mergeReplicas(a, b)).toEqual(mergeReplicas(b, a));
      expect(mergeReplicas(mergeReplicas(a, b), c)).toEqual(mergeReplicas(a, mergeReplicas(b, c)));
      expect(mergeReplicas(a, a)).toEqual(a);
    }));
  });

  it('applying deltas in any order, any number of times, gives one result', () => {
    fc.assert(fc.property(fc.array(delta, { maxLength: 20 }), fc.integer(), (ds, seed) => {
      const shuffled = [...ds].sort((x, y) => ((x.s * 31 + seed) % 7) - ((y.s * 31 + seed) % 7));
      const once = applyDeltas({ seq: 0, fields: {} }, ds);
      expect(applyDeltas({ seq: 0, fields: {} }, [...shuffled, ...ds])).toEqual(once);
    }));
  });

  it('compaction keeps one delta per key and loses nothing', () => {
    fc.assert(fc.property(fc.array(delta, { maxLength: 40 }), (ds) => {
      const compacted = compactDeltas(ds);
      expect(new Set(compacted.map((d) => d.key)).size).toBe(compacted.length);
      expect(applyDeltas({ seq: 0, fields: {} }, compacted)).toEqual(applyDeltas({ seq: 0, fields: {} }, ds));
    }));
  });

  it('keeps the highest sequence number of the merged states', () => {
    fc.assert(fc.property(replica, replica, (a, b) => {
      const merged = mergeReplicas(a, b);
      for (const device of Object.keys(merged)) {
        expect(merged[device]?.seq).toBe(Math.max(a[device]?.seq ?? 0, b[device]?.seq ?? 0));
      }
    }));
    const low = { seq: 3, fields: {} };
    const high = { seq: 9, fields: { 'n.a': { k: 'c' as const, v: 1 } } };
    expect(mergeReplicas({ d1: low }, { d1: high }).d1).toEqual(high);
    expect(mergeReplicas({ d1: high }, { d1: low }).d1).toEqual(high);
    // Compaction keeps the later write's number too, whichever order the queue is in.
    const early = { s: 2, key: 'n.a', f: { k: 'c' as const, v: 1 } };
    const late = { s: 7, key: 'n.a', f: { k: 'c' as const, v: 2 } };
    expect(compactDeltas([early, late])).toEqual([late]);
    expect(compactDeltas([late, early])).toEqual([late]);
  });

  it('skips holes (undefined devices and fields) in a replica instead of joining them', () => {
    const ours: DeviceState = { seq: 2, fields: { 'n.a': { k: 'c', v: 1 } } };
    const holes = { d1: { seq: 1, fields: { 'n.a': undefined, 'n.b': undefined } }, d2: undefined } as unknown as Record<string, DeviceState>;
    const merged = mergeReplicas({ d1: ours }, holes);
    expect(merged).toStrictEqual({ d1: ours });
    expect(Object.keys(merged.d1?.fields ?? {})).toEqual(['n.a']);
  });

  it.each([
    [{ s: -1, key: 'n.x', f: { k: 'c', v: 1 } }, false],
    [{ s: 0, key: 'n.x', f: { k: 'c', v: 1 } }, true],
    [{ s: '1', key: 'n.x', f: { k: 'c', v: 1 } }, false],
    [{ s: 2 ** 53, key: 'n.x', f: { k: 'c', v: 1 } }, false],
    [null, false],
    ['n.x', false],
    [{ s: 1, key: '__proto__', f: { k: 'c', v: 1 } }, false],
    [{ s: 1, key: 'a.constructor.x', f: { k: 'c', v: 1 } }, false],
    [{ s: 1, key: 'n.x', f: { k: 'c', v: -1 } }, false],
    [{ s: 1, key: 'n.x', f: { k: 'd', v: 1 } }, false],
    [{ s: 1.5, key: 'n.x', f: { k: 'c', v: 1 } }, false],
    [{ s: 1, key: 'n.x', f: { k: 'r', v: { a: 1 }, t: 1 } }, false],
    [{ s: 1, key: 'n.x', f: { k: 'c', v: 1 } }, true],
    [{ s: 2, key: 'a.l.cat:running', f: { k: 'd', v: 1.5, t: 10 } }, true],
  ])('isDelta(%j) is %s', (value, expected) => {
    expect(isDelta(value)).toBe(expected);
  });
});

describe('joining a pulled replica into a profile', () => {
  const profileOf = (own: DeviceState, remote: Record<string, DeviceState>) => ({ v: 1, own, remote });

  it('is idempotent and order-independent, and keeps this device apart from the others', () => {
    fc.assert(fc.property(state, replica, replica, (own, a, b) => {
      const start = profileOf(own, {});
      const ab = joinReplica(joinReplica(start, 'd1', a), 'd1', b);
      const ba = joinReplica(joinReplica(start, 'd1', b), 'd1', a);
      expect(ab).toEqual(ba);
      expect(joinReplica(ab, 'd1', a)).toEqual(ab);
      expect(Object.keys(ab.remote)).not.toContain('d1');
      expect(ab.own).toEqual(mergeReplicas({ d1: own }, mergeReplicas(a, b)).d1);
    }));
  });

  it('drops malformed devices and fields of an untrusted answer', () => {
    const input = JSON.parse('{"ok":{"seq":2,"fields":{"n.x":{"k":"c","v":2},"__proto__":{"k":"c","v":1},"n.bad":{"k":"c","v":-1}}},"bad id!":{"seq":1,"fields":{}}}');
    expect(readReplica(input)).toEqual({ ok: { seq: 2, fields: { 'n.x': { k: 'c', v: 2 } } } });
    expect(readReplica(null)).toEqual({});
  });
});
