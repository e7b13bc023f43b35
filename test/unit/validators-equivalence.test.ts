/**
 * The validators after the code diet of issue #16 accept and reject exactly
 * what they did before, with the same normalized output: each is run side by
 * side with its frozen copy (test/unit/support/validators/) on random inputs,
 * on valid documents mutated at a random path (a value replaced, removed,
 * added under a hostile key, or a list or object grown past a bound), and on
 * hostile values. Only the wording of a model's rejection reason may differ
 * (events are rejected with reason names, which must not).
 */
import fc from 'fast-check';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type CandidateModel, isModelShaped, parseModel } from '../../src/core/model.js';
import { describedCandidates } from '../../src/core/variants.js';
import * as frozenVariants from './support/validators/variants.js';
import * as frozenShape from './support/validators/model-shape.js';
import { parseModel as frozenParseModel } from './support/validators/model.js';
import { cleanItem, cleanString, cleanValue, validateEvent, validateTrack } from '../../src/core/events.js';
import * as frozenEvents from './support/validators/events.js';
import { type Field, compareFields, isField, isFieldKey, joinFields } from '../../src/core/field.js';
import * as frozenField from './support/validators/field.js';

const RUNS = process.env.O2O_RELIABILITY === 'full' ? 5000 : 600;

/** Values that sit on or just past a validator's bounds, or that an attacker would send. */
const EDGES: readonly unknown[] = [
  null, undefined, true, false, 0, -0, 1, -1, 0.5, 0.5000001, 1.0000001, -1e-9, 2, 20, 21, 64, 65, 1e9, 1e9 + 1, Number.NaN, Infinity, -Infinity,
  '', ' ', 'x', 'X', 'a b', '__proto__', 'constructor', 'prototype', 'default', '<b>', 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(121), '\uD800',
  '/path', '//evil.example/x', 'https://a.example/x', 'HTTP://A', 'javascript:alert(1)', 'ftp://x', `https://${'x'.repeat(2040)}`, `https://${'x'.repeat(2041)}`,
  [], [null, null], [1, 2], [2, 1], [1], [null, 1, 2], {}, { a: 1 }, Object.create(null), new Date(0), [{}],
];
const edge = fc.constantFrom(...EDGES);
const anyValue = fc.oneof(edge, fc.anything({ maxDepth: 2 }), fc.double(), fc.string({ maxLength: 8 }));
const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'a', 'Run', 'bad key', 'x'.repeat(65), 'id', 'tags', 'title', 'url', 'prior', 'noise'];

/** A change at a path chosen by `path` (each step picks a child by index modulo the number of children). */
interface Mutation {
  path: number[];
  kind: 'set' | 'delete' | 'add' | 'resize';
  value: unknown;
  key: string;
  size: number;
}
const mutation: fc.Arbitrary<Mutation> = fc.record({
  path: fc.array(fc.nat(), { maxLength: 8 }),
  kind: fc.constantFrom('set', 'delete', 'add', 'resize'),
  value: anyValue,
  key: fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 4 })),
  size: fc.constantFrom(0, 19, 20, 21, 25, 26, 32, 33, 49, 50, 51, 64, 65, 200, 201),
});

/** Sets an own key, even `__proto__` (as JSON.parse does). */
function setOwn(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of `base` with `m` applied. */
export function mutate(base: unknown, m: Mutation): unknown {
  const root = { root: structuredClone(base) } as Record<PropertyKey, unknown>;
  let parent: Record<PropertyKey, unknown> = root;
  let key: string | number = 'root';
  for (const pick of m.path) {
    const node: unknown = parent[key];
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (!keys.length) break;
    parent = node as Record<PropertyKey, unknown>;
    const chosen = keys[pick % keys.length] as string;
    key = Array.isArray(node) ? Number(chosen) : chosen;
  }
  const node = parent[key];
  if (m.kind === 'set') setOwn(parent, key, m.value);
  else if (m.kind === 'delete') delete parent[key];
  else if (m.kind === 'add') {
    if (node !== null && typeof node === 'object') setOwn(node, m.key, m.value);
    else setOwn(parent, key, m.value);
  } else if (Array.isArray(node) && node.length) {
    // Grown with copies whose ids (if any) stay distinct, so the bound and not a duplicate is what is tested.
    setOwn(parent, key, Array.from({ length: m.size }, (_, i) => {
      const copy = structuredClone(node[i % node.length]) as unknown;
      if (copy !== null && typeof copy === 'object' && typeof (copy as { id?: unknown }).id === 'string') (copy as { id: string }).id += i ? `-${i}` : '';
      return copy;
    }));
  } else if (node !== null && typeof node === 'object') {
    // Exactly `size` keys, so a bound and the bound plus one are both tried.
    const first = Object.values(node)[0] ?? 0.5;
    const grown: Record<string, unknown> = {};
    for (let i = 0; i < m.size; i++) grown[`k${i}`] = structuredClone(first);
    setOwn(parent, key, grown);
  }
  return root.root;
}

/** Every path of `value` (the root's is empty), each step an index into Object.keys. */
export function allPaths(value: unknown, path: number[] = []): number[][] {
  const out = [path];
  if (value !== null && typeof value === 'object') Object.keys(value).forEach((_, i) => out.push(...allPaths((value as Record<string, unknown>)[Object.keys(value)[i] as string], [...path, i])));
  return out;
}

/** Every single mutation of `doc`: each path with each edge value set, removed, a key added, grown to each bound. */
export function everyMutation(doc: unknown, values: readonly unknown[], keys: readonly string[], sizes: readonly number[]): unknown[] {
  const out: unknown[] = [];
  for (const path of allPaths(doc)) {
    const at = (m: Partial<Mutation>): unknown => mutate(doc, { path, kind: 'set', value: undefined, key: '', size: 0, ...m });
    for (const value of values) out.push(at({ value }));
    out.push(at({ kind: 'delete' }));
    for (const key of keys) out.push(at({ kind: 'add', key, value: 1 }), at({ kind: 'add', key, value: {} }));
    for (const size of sizes) out.push(at({ kind: 'resize', size }));
  }
  return out;
}

/** Valid values, now and then one that is not (mutations add the rest). */
const mostly = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.oneof({ weight: 40, arbitrary: valid }, { weight: 1, arbitrary: invalid });
const label = mostly(
  fc.oneof(fc.stringMatching(/^[\w.:-]{1,8}$/), fc.constantFrom('Running', 'brand:acme', 'x.y', 'x'.repeat(64))),
  fc.constantFrom('__proto__', 'constructor', 'x'.repeat(65), '', 'a b'),
) as fc.Arbitrary<string>;
const number = mostly(
  fc.oneof(fc.double({ min: -5, max: 5, noNaN: true }), fc.constantFrom(0, -0, 0.05, 0.5, 1, 0.1, 20)),
  fc.constantFrom<unknown>(Number.NaN, Infinity, '1', null, 'x'),
);
const share = mostly(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, 0.5)), fc.constantFrom(1.0000001, -1e-9, -0, 2, Number.NaN));
const bound = fc.oneof(fc.constant(null), number);
const range = mostly(fc.tuple(bound, bound), fc.array(bound, { maxLength: 3 }));
const rule = fc.dictionary(label, range, { maxKeys: 3 });
const weights = fc.dictionary(label, number, { maxKeys: 4 });
const candidateId = mostly(fc.oneof(fc.stringMatching(/^[\w-]{1,6}$/), fc.constant('x'.repeat(64))), fc.constantFrom('<b>', 'x'.repeat(65), ''));
const text = (max: number): fc.Arbitrary<unknown> => mostly(fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constant('x'.repeat(max))), fc.constantFrom('', 'x'.repeat(max + 1), 3));
const url = mostly(
  fc.constantFrom('https://a.example/x.png', 'http://a', 'HTTPS://A', '/path', `https://${'x'.repeat(2040)}`),
  fc.constantFrom('//evil.example', 'javascript:alert(1)', '', 'ftp://x', `https://${'x'.repeat(2041)}`),
);
const candidateFields = {
  id: candidateId,
  tags: mostly(fc.oneof(fc.array(label, { maxLength: 4 }), fc.constant(null)), fc.constantFrom('a', [1])),
  bias: number,
  weights,
  eligibility: rule,
};
const candidate = fc.record(candidateFields, { requiredKeys: ['id'] });
const content = fc.record({
  title: text(120), body: text(600), code: text(40), image: url,
  action: fc.record({ label: text(60), url }, { requiredKeys: ['label'] }),
}, { requiredKeys: ['title'] });
const offer = fc.record({ ...candidateFields, content }, { requiredKeys: ['id', 'content'] });
const candidates = <T>(item: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.oneof(
  { weight: 5, arbitrary: fc.uniqueArray(item, { maxLength: 3, selector: (c) => (c as { id: unknown }).id }) },
  { weight: 1, arbitrary: fc.array(item, { maxLength: 3 }) },
);
const matrix = fc.dictionary(label, fc.dictionary(label, share, { maxKeys: 3 }), { maxKeys: 3 });
/** Model documents, mostly valid (docs/model.md). */
const modelDoc = fc.record({
  version: mostly(fc.constant(1), fc.constantFrom(2, '1', null)),
  id: label,
  bias: number,
  weights,
  slots: fc.dictionary(label, candidates(candidate), { maxKeys: 3 }),
  offers: candidates(offer),
  segments: fc.dictionary(label, rule, { maxKeys: 3 }),
  holdout: mostly(fc.oneof(fc.double({ min: 0, max: 0.5, noNaN: true }), fc.constantFrom(0, 0.5, null)), fc.constantFrom(0.5000001, -1e-9, 1)),
  explore: fc.record({ prior: mostly(fc.double({ min: 0.1, max: 50, noNaN: true }), number), noise: mostly(fc.double({ min: 0, max: 2, noNaN: true }), number), extra: number }, { requiredKeys: [] }),
  links: matrix,
  cooccur: matrix,
  release: fc.string(),
}, { requiredKeys: ['version', 'id'] });

/** JSON with key order kept and null-prototype objects marked: equal texts mean equal values, down to what is cached. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === null ? { '(null prototype)': true, ...v } : v) ?? 'undefined';
}

/** Both verdicts agree (and both outputs, when accepted); true when accepted. */
function sameModelResult(input: unknown): boolean {
  const before = frozenParseModel(input);
  const after = parseModel(input);
  // expect() only on a difference (it is slow), to show it.
  if (after.ok !== before.ok) expect({ input, after }).toEqual({ input, after: before });
  if (before.ok && after.ok && canonical(after.model) !== canonical(before.model)) expect(canonical(after.model)).toBe(canonical(before.model));
  if (!after.ok && !/^model( |\.)/.test(after.reason)) expect(after.reason).toMatch(/^model( |\.)/);
  return before.ok;
}

const SIZES = [0, 19, 20, 21, 25, 26, 32, 33, 49, 50, 51, 64, 65, 200, 201];

/** A document that uses every field of the format (docs/model.md). */
const FULL_MODEL = {
  version: 1, id: 'm.1', bias: -1, weights: { 'match.long': 2, a: 0 },
  slots: { hero: [{ id: 'a', tags: ['Running', 'brand:acme'], bias: 0.5, weights: { x: 1 }, eligibility: { 'ctx.mobile': [1, null], y: [null, 2] } }, { id: 'b' }] },
  offers: [{ id: 'o', tags: ['x'], content: { title: 't', body: 'b', code: 'C', image: 'https://a.example/i.png', action: { label: 'go', url: '/p' } } }],
  segments: { s: { 'f.x': [0, 1] } }, holdout: 0.1, explore: { prior: 5, noise: 0.2 },
  links: { a: { b: 0.3, c: 1 } }, cooccur: { a: { b: 0 } }, release: 'r1',
};

describe('parseModel agrees with its frozen copy', () => {
  it('on every single mutation of a full document (each path: edge values, removed, hostile keys, grown to each bound)', () => {
    const inputs = everyMutation(FULL_MODEL, EDGES, KEYS, SIZES);
    expect(inputs.length).toBeGreaterThan(5000);
    let accepted = 0;
    for (const input of inputs) if (sameModelResult(input)) accepted++;
    expect(accepted).toBeGreaterThan(inputs.length / 10);
    expect(accepted).toBeLessThan(inputs.length * 0.9);
  }, 60_000);

  it('on model documents, as objects and as JSON text', () => {
    let accepted = 0;
    fc.assert(fc.property(modelDoc, fc.boolean(), (doc, asText) => {
      if (sameModelResult(asText ? JSON.stringify(doc) : doc)) accepted++;
    }), { numRuns: RUNS });
    // The generator mostly makes valid documents: the outputs, not only the verdicts, were compared.
    expect(accepted).toBeGreaterThan(RUNS / 10);
  }, 60_000);

  it('on valid documents mutated at a random path', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(fc.property(modelDoc, fc.array(mutation, { minLength: 1, maxLength: 2 }), fc.boolean(), (doc, mutations, asText) => {
      const input = mutations.reduce<unknown>(mutate, doc);
      if (sameModelResult(asText ? JSON.stringify(input) ?? '' : input)) accepted++;
      else rejected++;
    }), { numRuns: RUNS * 2 });
    expect(accepted).toBeGreaterThan(RUNS / 20);
    expect(rejected).toBeGreaterThan(RUNS / 20);
  }, 60_000);

  it('on any value', () => {
    fc.assert(fc.property(fc.oneof(anyValue, fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true })), (value) => {
      sameModelResult(value);
    }), { numRuns: RUNS });
  }, 60_000);

  it('canonical() tells a null-prototype map from a plain object, and key orders apart', () => {
    expect(canonical(Object.assign(Object.create(null), { a: 1 }))).not.toBe(canonical({ a: 1 }));
    expect(canonical({ a: 1, b: 2 })).not.toBe(canonical({ b: 2, a: 1 }));
    expect(canonical({ a: [1, { b: null }] })).toBe(canonical({ a: [1, { b: null }] }));
  }, 60_000);
});

const NOW = 1_700_000_000_000;
const eventName = mostly(fc.constantFrom('page_view', 'view_item', 'add_to_cart', 'purchase', 'a'.repeat(40)), fc.constantFrom('', 'Bad', 'a b', 'constructor', 'a'.repeat(41), 1));
const labelish = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('Running', ' Shoes ', 'a.__proto__', 'constructor', 'b:prototype', '\u202Eevil', 'x\u0000y', '\uD800', 'é', 'x'.repeat(70)), fc.integer(), fc.double());
const numberish = fc.oneof(fc.double(), fc.integer({ min: -5, max: 20_000 }), fc.constantFrom<unknown>('12', ' ', '', '3.5', 'x', null, 0, -0, 1e9, 1e9 + 1));
const item = fc.record({
  id: labelish, item_id: labelish, category: labelish, item_category: labelish, brand: labelish, item_brand: labelish,
  price: numberish, quantity: numberish, tags: fc.oneof(fc.array(labelish, { maxLength: 4 }), fc.constantFrom<unknown>('a,B, c', '', 'x', null)),
}, { requiredKeys: [] });
const props = fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom(...KEYS)), fc.oneof(anyValue, fc.anything({ maxDepth: 4 })), { maxKeys: 6 });
const event = fc.record({
  name: eventName, ts: mostly(fc.oneof(fc.integer({ min: 0, max: NOW }), fc.double({ min: 0, max: NOW, noNaN: true })), numberish),
  tz: fc.oneof(fc.integer({ min: -960, max: 960 }), numberish), items: fc.oneof(fc.array(item, { maxLength: 3 }), anyValue), value: numberish, props,
}, { requiredKeys: ['name'] });

/** A document that uses every field an event may have. */
const FULL_EVENT = {
  name: 'add_to_cart', ts: NOW, tz: -60, value: 12.5,
  items: [{ id: 'sku-1', category: 'Shoes', brand: 'Acme', price: 10, quantity: 2.5, tags: ['Running', 'x'] }, { item_id: 7, item_category: 'a:b', item_brand: 'B', price: '3', tags: 'a,b' }],
  props: { s: 'x', n: 1, b: true, z: null, list: [1, 'a', { deep: [1] }], o: { p: { q: { r: 1 } } } },
};

describe('event validation agrees with its frozen copy', () => {
  const same = (before: unknown, after: unknown, input?: unknown): void => {
    if (canonical(after) !== canonical(before)) expect(canonical(after), inspect(input, { depth: 9 })).toBe(canonical(before));
  };
  const sameEvent = (raw: unknown): boolean => {
    const before = frozenEvents.validateEvent(raw, NOW);
    same(before, validateEvent(raw, NOW), raw);
    return before.ok;
  };

  it('on every single mutation of a full event', () => {
    const inputs = everyMutation(FULL_EVENT, EDGES, KEYS, SIZES);
    let accepted = 0;
    for (const input of inputs) if (sameEvent(input)) accepted++;
    expect(accepted).toBeGreaterThan(inputs.length / 10);
    expect(accepted).toBeLessThan(inputs.length * 0.95);
  }, 60_000);

  it('validateEvent on events, mutated events and any value', () => {
    let accepted = 0;
    fc.assert(fc.property(fc.oneof(event, fc.tuple(event, mutation).map(([e, m]) => mutate(e, m)), anyValue), (raw) => {
      if (sameEvent(raw)) accepted++;
    }), { numRuns: RUNS * 2 });
    expect(accepted).toBeGreaterThan(RUNS / 5);
  }, 60_000);

  it('validateTrack on names, properties and time zones', () => {
    fc.assert(fc.property(fc.oneof(eventName, anyValue), fc.oneof(props, event, anyValue, fc.record({ items: fc.array(item, { maxLength: 3 }), value: numberish })), fc.integer({ min: -1000, max: 1000 }), (name, properties, tz) => {
      same(frozenEvents.validateTrack(name, properties, NOW, tz), validateTrack(name, properties, NOW, tz));
    }), { numRuns: RUNS * 2 });
  }, 60_000);

  it('cleanItem, cleanValue and cleanString', () => {
    fc.assert(fc.property(fc.oneof(item, fc.tuple(item, mutation).map(([i, m]) => mutate(i, m)), anyValue), (raw) => {
      // Called alone, outside validateEvent's guard: a hostile value throws from both alike.
      const attempt = (clean: () => unknown): unknown => { try { return clean(); } catch { return 'threw'; } };
      same(attempt(() => frozenEvents.cleanItem(raw)), attempt(() => cleanItem(raw)), raw);
      same(attempt(() => frozenEvents.cleanValue(raw)), attempt(() => cleanValue(raw)), raw);
    }), { numRuns: RUNS * 2 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.integer({ min: 0, max: 300 }), (text, max) => {
      expect(cleanString(text, max)).toBe(frozenEvents.cleanString(text, max));
      expect(cleanString(text)).toBe(frozenEvents.cleanString(text));
    }), { numRuns: RUNS });
  }, 60_000);

  it('are unreadable alike for a throwing getter anywhere', () => {
    const hostile = (at: string): unknown => {
      const doc = structuredClone(FULL_EVENT) as Record<string, unknown>;
      let target: Record<string, unknown> = doc;
      const keys = at.split('.');
      for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
      Object.defineProperty(target, keys.at(-1) as string, { enumerable: true, get: () => { throw new Error('boom'); } });
      return doc;
    };
    for (const at of ['name', 'ts', 'tz', 'value', 'items', 'props', 'items.0', 'items.0.id', 'items.0.price', 'items.0.tags', 'props.s', 'props.list.1', 'props.o.p']) {
      const raw = hostile(at);
      same(frozenEvents.validateEvent(raw, NOW), validateEvent(raw, NOW));
      expect(validateEvent(raw, NOW)).toEqual({ ok: false, reason: 'unreadable' });
      same(frozenEvents.validateTrack('x', raw, NOW, 0), validateTrack('x', raw, NOW, 0));
    }
  }, 60_000);
});

describe('profile field checks agree with their frozen copy', () => {
  const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('x'.repeat(256), 'x'.repeat(257)), fc.double(), fc.boolean(), fc.constant(null));
  const time = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
  const field = fc.oneof(
    fc.record({ k: fc.constant('c'), v: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.double()) }),
    fc.record({ k: fc.constant('m'), v: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.double()) }),
    fc.record({ k: fc.constant('d'), v: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.double()), t: time }, { requiredKeys: ['k', 'v'] }),
    fc.record({ k: fc.constant('r'), v: scalar, t: time }, { requiredKeys: ['k', 'v'] }),
  );
  const fieldish = fc.oneof(field, fc.tuple(field, mutation).map(([f, m]) => mutate(f, m)), anyValue);

  it('isField and isFieldKey', () => {
    fc.assert(fc.property(fieldish, (value) => {
      expect(isField(value)).toBe(frozenField.isField(value));
    }), { numRuns: RUNS * 4 });
    const key = fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 130 }), fc.constantFrom('a.constructor', 'a:__proto__.b', 'é', 'a'.repeat(128), 'a'.repeat(129)), anyValue);
    fc.assert(fc.property(key, (value) => {
      expect(isFieldKey(value)).toBe(frozenField.isFieldKey(value));
    }), { numRuns: RUNS * 4 });
  }, 60_000);

  it('compareFields and joinFields on valid fields', () => {
    const valid = field.filter((f) => frozenField.isField(f)) as fc.Arbitrary<Field>;
    const pair = fc.oneof(fc.tuple(valid, valid), valid.chain((a) => valid.map((b) => [a, { ...b, k: a.k }] as [Field, Field]).filter(([, b]) => frozenField.isField(b))));
    fc.assert(fc.property(pair, ([a, b]) => {
      expect(compareFields(a, b)).toBe(frozenField.compareFields(a, b));
      expect(joinFields(a, b)).toBe(frozenField.joinFields(a, b));
      expect(joinFields(undefined, b)).toBe(b);
    }), { numRuns: RUNS * 4 });
  }, 60_000);
});

describe('isModelShaped agrees with its frozen copy', () => {
  it('on validated models, their mutations and any value', () => {
    const parsed = modelDoc.map((doc) => parseModel(doc)).filter((r) => r.ok).map((r) => (r.ok ? structuredClone(r.model) : undefined));
    let shaped = 0;
    fc.assert(fc.property(fc.oneof(parsed, fc.tuple(parsed, mutation).map(([m, x]) => mutate(m, x)), anyValue), (value) => {
      expect(isModelShaped(value)).toBe(frozenShape.isModelShaped(value));
      if (isModelShaped(value)) shaped++;
    }), { numRuns: RUNS * 2 });
    expect(shaped).toBeGreaterThan(RUNS / 5);
    const full = parseModel(FULL_MODEL);
    if (!full.ok) throw new Error(full.reason);
    for (const doc of everyMutation(structuredClone(full.model), EDGES, KEYS, [0, 1])) expect(isModelShaped(doc)).toBe(frozenShape.isModelShaped(doc));
  }, 60_000);
});

describe('variants described in code agree with their frozen copy', () => {
  const spec = fc.record({
    id: fc.oneof(candidateId, fc.constantFrom('default', 'a', 'b')),
    tags: fc.oneof(fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom(' Run ', 'x'.repeat(64), 'x'.repeat(65), '  ')), { maxLength: 4 }), anyValue),
    eligibility: fc.oneof(rule, anyValue),
  }, { requiredKeys: [] });
  const declared = fc.option(fc.array(candidate, { maxLength: 3 }), { nil: undefined });
  const run = (describe: typeof describedCandidates, specs: unknown, list: unknown): string => {
    const rejected: unknown[] = [];
    const out = describe(specs, list as CandidateModel[] | undefined, (s) => rejected.push(s));
    return canonical({ out, rejected: rejected.map((r) => inspect(r, { depth: 9 })) });
  };

  it('on specs, their mutations and any value', () => {
    const specs = fc.oneof(fc.array(fc.oneof(spec, fc.tuple(spec, mutation).map(([s, m]) => mutate(s, m)), anyValue), { maxLength: 4 }), anyValue);
    fc.assert(fc.property(specs, declared, (list, models) => {
      expect(run(describedCandidates, list, models)).toBe(run(frozenVariants.describedCandidates, list, models));
    }), { numRuns: RUNS * 2 });
  }, 60_000);

  it('on every single mutation of a full spec list', () => {
    const full = [{ id: 'a', tags: [' Run ', 'B'], eligibility: { 'ctx.mobile': [1, null], x: [null, 2] } }, { id: 'b' }, { id: 'a' }];
    const models = [{ id: 'a', tags: ['t'], bias: 1, weights: { w: 1 } }, { id: 'b', tags: ['u'], eligibility: { y: [0, 1] } }] as CandidateModel[];
    for (const input of everyMutation(full, EDGES, KEYS, SIZES)) expect(run(describedCandidates, input, models)).toBe(run(frozenVariants.describedCandidates, input, models));
  }, 60_000);
});
