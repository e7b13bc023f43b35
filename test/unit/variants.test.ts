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
