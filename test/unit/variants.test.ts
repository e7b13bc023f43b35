import { describe, expect, it } from 'vitest';
import { describedCandidates } from '../../src/core/variants.js';
import type { CandidateModel } from '../../src/core/model.js';

/** The candidates `specs` give, and the specs left out. */
function describe_(specs: unknown, declared?: CandidateModel[]): { candidates: CandidateModel[]; rejected: unknown[] } {
  const rejected: unknown[] = [];
  return { candidates: describedCandidates(specs, declared, (s) => rejected.push(s)), rejected };
}

describe('variants described in code', () => {
  it('keeps ids, lower-cases and trims tags, keeps eligibility', () => {
    const { candidates, rejected } = describe_([{ id: 'running', tags: [' Running ', 'brand:ACME'] }, { id: 'app', eligibility: { 'ctx.mobile': [1, null] } }]);
    expect(rejected).toEqual([]);
    expect(candidates).toEqual([{ id: 'running', tags: ['running', 'brand:acme'] }, { id: 'app', tags: [], eligibility: { 'ctx.mobile': [1, null] } }]);
  });

  it("builds on the model's entry with the same id: its bias and weights stay, the spec's tags and eligibility win", () => {
    const declared: CandidateModel[] = [{ id: 'running', tags: ['trail'], bias: 0.5, weights: { 'match.long': 1 }, eligibility: { 'ctx.mobile': [0, 0] } }];
    expect(describe_([{ id: 'running' }], declared).candidates).toEqual(declared);
    expect(describe_([{ id: 'running', tags: ['road'], eligibility: { 'ctx.new': [1, 1] } }], declared).candidates).toEqual([
      { id: 'running', tags: ['road'], bias: 0.5, weights: { 'match.long': 1 }, eligibility: { 'ctx.new': [1, 1] } },
    ]);
  });

  it.each([
    ['no id', {}],
    ['a malformed id', { id: 'a b' }],
    ['the default id', { id: 'default' }],
    ['tags not an array', { id: 'x', tags: 'running' }],
    ['an empty tag', { id: 'x', tags: [''] }],
    ['a tag not a string', { id: 'x', tags: [1] }],
    ['too many tags', { id: 'x', tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }],
    ['a range not a pair', { id: 'x', eligibility: { 'ctx.mobile': [1] } }],
    ['a bound not a number', { id: 'x', eligibility: { 'ctx.mobile': ['1', null] } }],
    ['eligibility not an object', { id: 'x', eligibility: [[0, 1]] }],
    ['null', null],
  ])('leaves out a spec with %s and reports it', (_what, spec) => {
    const { candidates, rejected } = describe_([spec, { id: 'ok', tags: ['a'] }]);
    expect(candidates).toEqual([{ id: 'ok', tags: ['a'] }]);
    expect(rejected).toEqual([spec]);
  });

  it('keeps the first of two specs with one id, and refuses a list that is not an array', () => {
    expect(describe_([{ id: 'x', tags: ['a'] }, { id: 'x', tags: ['b'] }]).candidates).toEqual([{ id: 'x', tags: ['a'] }]);
    expect(describe_({ id: 'x' })).toEqual({ candidates: [], rejected: [{ id: 'x' }] });
  });
});

describe('hostile variant descriptions', () => {
  it('never throws, whatever the input, and keeps only well-formed candidates', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.array(fc.anything()), fc.array(fc.record({ id: fc.string(), tags: fc.anything(), eligibility: fc.anything() }, { requiredKeys: [] }))), (specs) => {
        const out = describedCandidates(specs, undefined, () => undefined);
        for (const c of out) {
          expect(c.id).toMatch(/^[\w-]{1,64}$/);
          expect(Array.isArray(c.tags)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('leaves out a spec whose getter throws, and a list whose length throws, reporting them', () => {
    const hostile = Object.defineProperty({}, 'id', { get: () => { throw new Error('boom'); } });
    const rejected: unknown[] = [];
    expect(describedCandidates([hostile, { id: 'ok' }], undefined, (s) => rejected.push(s))).toEqual([{ id: 'ok', tags: [] }]);
    expect(rejected).toEqual([hostile]);
    const list = new Proxy([], { get: (t, k) => (k === 'length' ? (() => { throw new Error('boom'); })() : Reflect.get(t, k)) });
    expect(describedCandidates(list, undefined, () => undefined)).toEqual([]);
  });

  it('keeps an own "__proto__" rule name as data, without touching Object.prototype', () => {
    const eligibility = JSON.parse('{"__proto__": [1, null]}');
    const [candidate] = describedCandidates([{ id: 'x', eligibility }], undefined, () => undefined);
    expect(Object.keys(candidate?.eligibility ?? {})).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['0']).toBeUndefined();
  });
});
