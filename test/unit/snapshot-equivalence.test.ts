/**
 * One decision path: a decision made from a snapshot taken at t0 (JSON round
 * tripped, as IndexedDB would hand it back) and decided at t1 ≥ t0 gives what
 * the view-based path of commit e7a4ad2 (frozen in ./support/view-decide/)
 * gives on the profile view at t1: same variant, group, explanation and
 * competitors, scores and features to 1e-12 (two values equal in exact
 * arithmetic may be ordered either way by rounding: see `tied`). Histories are folded with the
 * real reducer, across devices; t1 lands on and around the session timeout
 * and the 60-day lapse.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decision, type DecideOptions, decideSlot } from '../../src/core/decide.js';
import type { Properties, TrackedEvent } from '../../src/core/events.js';
import { type Features, candidateFeatures, tagStrength, visitorFeatures } from '../../src/core/features.js';
import { LAPSED_AFTER_MS, lifecycleStage } from '../../src/core/lifecycle.js';
import { type Contribution, type Model, parseModel } from '../../src/core/model.js';
import { normalFrom } from '../../src/core/random.js';
import { decideOffer } from '../../src/core/offers.js';
import { type Profile, apply, emptyProfile } from '../../src/core/profile.js';
import { recommend } from '../../src/core/recommend.js';
import { SESSION_TIMEOUT_MS } from '../../src/core/session.js';
import { type DecisionSnapshot, isSnapshot, snapshotOf } from '../../src/core/snapshot.js';
import { viewProfile } from '../../src/core/view.js';
import { decideSlot as referenceDecideSlot } from './support/view-decide/decide.js';
import { candidateFeatures as referenceCandidateFeatures, visitorFeatures as referenceVisitorFeatures } from './support/view-decide/features.js';
import { lifecycleStage as referenceLifecycleStage } from './support/view-decide/lifecycle.js';
import { recommend as referenceRecommend } from './support/view-decide/recommend.js';
import { decideOffer as referenceDecideOffer } from './support/view-decide/offers.js';
import { explain as referenceExplain } from './support/view-decide/explain.js';
import { explain } from '../../src/core/explain.js';

const T0 = Date.UTC(2026, 10, 23, 9);
const MIN = 60_000;
const DAY = 86_400_000;

const CATEGORIES = ['running', 'camping', 'trail'] as const;
/** Tags candidates use: bare ones match every dimension, qualified ones only their own; some match nothing. */
const TAGS = ['running', 'camping', 'trail', 'rain', 'cat:running', 'cat:trail', 'brand:acme', 'tag:rain', 'tag:trail', 'price:p1', 'price:p3', 'western'] as const;
/** Feature names the random models weigh. */
const WEIGHTED = [
  'match.long', 'match.short', 'match.recent', 'match.freq', 'match.now', 'match.start', 'match.next',
  'ctx.sessionStart', 'ctx.returning', 'ctx.mobile', 'rfm.recency', 'rfm.frequency', 'rfm.monetary',
  'stage.lapsed', 'stage.new', 'stage.customer', 'stage.engaged', 'intent.cart', 'intent.checkout', 'trait.plan:pro', 'trait.age', 'seg.big',
] as const;

/** A number in [min, max] in steps of 0.01: fc.double favours zeros and extremes (tiny weights would explain nothing). */
const amount = (min: number, max: number): fc.Arbitrary<number> => fc.integer({ min: min * 100, max: max * 100 }).map((x) => x / 100);

const item = fc.record({
  id: fc.constantFrom('a', 'b', 'c', 'd'),
  category: fc.constantFrom(...CATEGORIES),
  brand: fc.constantFrom('acme', 'zed'),
  price: fc.constantFrom(10, 120, 900),
  tags: fc.constantFrom(['trail'], ['trail', 'rain'], []),
}, { requiredKeys: ['id'] });

/** Gaps between events: a burst, minutes, across the session timeout, days, across the lapse. */
const gap = fc.constantFrom(0, 1, MIN, 20 * MIN, SESSION_TIMEOUT_MS, 40 * MIN, DAY, 3 * DAY, LAPSED_AFTER_MS + 1);

const event = fc.record({
  name: fc.constantFrom('view_item', 'view_item', 'select_item', 'add_to_cart', 'begin_checkout', 'purchase', 'page_view', 'view_promotion', 'select_promotion', 'conversion', 'identify'),
  gap,
  items: fc.array(item, { maxLength: 3 }),
  value: fc.option(fc.constantFrom(15, 89.5, 400), { nil: undefined }),
  props: fc.constantFrom<Properties>(
    {}, { slot: 'hero', variant: 'v1' }, { slot: 'hero', variant: 'v2' }, { slot: 'hero', variant: 'default' }, { slot: 'offer', variant: 'o1' },
    { userId: 'u1', traits: { plan: 'pro', age: 41 } }, { userId: 'u1', traits: { plan: 'free', vip: true } },
  ),
});

type RawEvent = { name: string; gap: number; items: Array<{ id: string }>; value: number | undefined; props: Properties };

/** Folds events (timestamps from cumulative gaps after `start`) with the real reducer; returns the profile and the last timestamp. */
function fold(events: readonly RawEvent[], start: number, profile: Profile = emptyProfile()): { profile: Profile; last: number } {
  let ts = start;
  for (const e of events) {
    ts += e.gap;
    const tracked: TrackedEvent = { name: e.name, ts, props: e.props, items: e.items };
    if (e.value !== undefined) tracked.value = e.value;
    profile = apply(profile, tracked).profile;
  }
  return { profile, last: ts };
}

const candidate = fc.record({
  id: fc.constantFrom('v1', 'v2', 'v3', 'v4', 'default'),
  tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 3 }),
  bias: fc.option(amount(-2, 2), { nil: undefined }),
  weights: fc.option(fc.dictionary(fc.constantFrom(...WEIGHTED), amount(-3, 3), { maxKeys: 3 }), { nil: undefined }),
  eligibility: fc.option(fc.constantFrom({ 'ctx.sessionStart': [1, null] }, { 'stage.lapsed': [null, 0] }, { 'match.long': [0.2, null] }), { nil: undefined }),
}, { requiredKeys: ['id', 'tags'] });

const row = fc.dictionary(fc.constantFrom(...TAGS), amount(0, 1), { maxKeys: 4 });

const modelJson = fc.record({
  bias: amount(-2, 1),
  weights: fc.dictionary(fc.constantFrom(...WEIGHTED), amount(-3, 3), { minKeys: 6 }),
  hero: fc.uniqueArray(candidate, { selector: (c) => c.id, minLength: 1, maxLength: 5 }),
  offers: fc.uniqueArray(candidate, { selector: (c) => c.id, maxLength: 3 }),
  segments: fc.constantFrom({}, { big: { 'rfm.monetary': [3, null] } }, { big: { 'match.long': [0.1, null] }, back: { 'ctx.sessionStart': [1, 1] } }),
  links: fc.option(fc.dictionary(fc.constantFrom('running', 'camping', 'trail', 'cat:running', 'rain'), row, { maxKeys: 4 }), { nil: undefined }),
  cooccur: fc.option(fc.dictionary(fc.constantFrom(...TAGS), row, { maxKeys: 4 }), { nil: undefined }),
  holdout: fc.constantFrom(0, 0.3),
  noise: fc.constantFrom(0, 0.1, 1),
});

/** What {@link modelJson} generates: the parts of a model document the test varies. */
interface ModelJson {
  bias: number;
  weights: Record<string, number>;
  hero: Array<{ id: string; tags: string[] }>;
  offers: Array<{ id: string; tags: string[] }>;
  segments: object;
  links?: object;
  cooccur?: object;
  holdout: number;
  noise: number;
}

function modelOf(m: ModelJson): Model {
  const offers = m.offers.filter((o) => o.id !== 'default').map((o) => ({ ...o, content: { title: `offer ${String(o.id)}` } }));
  const parsed = parseModel({
    version: 1, id: 'eq', bias: m.bias, weights: m.weights, slots: { hero: m.hero }, offers, segments: m.segments,
    holdout: m.holdout, explore: { prior: 20, noise: m.noise }, ...(m.links ? { links: m.links } : {}), ...(m.cooccur ? { cooccur: m.cooccur } : {}),
  });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.model;
}

/**
 * Where t1 lands, relative to t0, to the last event and to the last checkout: now, minutes on, on and
 * around the session timeout, the checkout intent's day and the lapse, months on.
 */
const later = fc.constantFrom('same', '+1ms', '+5min', 'timeout-1', 'timeout', 'timeout+1', '+1day', 'checkout+1day', 'checkout+1day-1', 'lapse-1', 'lapse', '+200days');

function decisionTime(kind: string, t0: number, last: number, checkout: number): number {
  const at: Record<string, number> = {
    'checkout+1day': checkout + DAY, 'checkout+1day-1': checkout + DAY - 1,
    same: t0, '+1ms': t0 + 1, '+5min': t0 + 5 * MIN, timeout: last + SESSION_TIMEOUT_MS, 'timeout-1': last + SESSION_TIMEOUT_MS - 1,
    'timeout+1': last + SESSION_TIMEOUT_MS + 1, '+1day': t0 + DAY, 'lapse-1': last + LAPSED_AFTER_MS - 1, lapse: last + LAPSED_AFTER_MS, '+200days': t0 + 200 * DAY,
  };
  return Math.max(t0, at[kind] as number);
}

const close = (a: number, b: number): boolean => a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));

function expectSameFeatures(actual: Features, expected: Features, where: string): void {
  expect(Object.keys(actual), where).toEqual(Object.keys(expected));
  for (const name of Object.keys(expected)) {
    if (!close(actual[name] as number, expected[name] as number)) expect.fail(`${where}: ${name} is ${actual[name]}, the view-based path gives ${expected[name]}`);
  }
}

/**
 * Rounding differs between the two paths in the last bits, so two values that
 * are equal in exact arithmetic (two candidates, two tags, two contributions
 * of the same size) may be ordered either way by either path. Such a tie is
 * the only difference accepted, and only where the tied values agree to 1e-12.
 */
const tied = (values: readonly number[]): boolean => values.some((x, i) => values.some((y, j) => i !== j && close(x, y)));

/** What a contribution says besides the tag it names (`match.*` name the matched tag, which a tie may change). */
const words = (c: Contribution): string => (c.feature.startsWith('match.') || c.feature === 'explore' ? c.feature + c.text.slice(c.text.lastIndexOf(':')) : c.text);

function expectSameExplanation(actual: readonly Contribution[], expected: readonly Contribution[], mayTie: boolean): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((c, i) => {
    const e = expected[i] as Contribution;
    expect(close(Math.abs(c.value), Math.abs(e.value)), `contribution ${i}: ${c.text} against ${e.text}`).toBe(true);
    const twin = expected.find((x) => x.feature === c.feature);
    // Missing only when two contributions of the same size were cut at the limit in another order (checked above).
    if (!twin) return;
    expect(close(c.value, twin.value)).toBe(true);
    expect(words(c)).toBe(words(twin));
    if (c.text !== twin.text) expect(mayTie, `${c.text} against ${twin.text}`).toBe(true);
  });
}

function expectSameDecision(actual: Decision, expected: Decision, drawSeed: string): void {
  expectSameFeatures(actual.inputs.features, expected.inputs.features, 'visitor features');
  expect(actual.inputs.competed.map((c) => c.id)).toEqual(expected.inputs.competed.map((c) => c.id));
  actual.inputs.competed.forEach((c, i) => {
    const e = expected.inputs.competed[i];
    if (!e) return;
    expectSameFeatures(c.own, e.own, `own features of ${c.id}`);
    expect([c.mean, c.learned, c.sd].every((x, k) => close(x, [e.mean, e.learned, e.sd][k] as number)), `competitor ${c.id}`).toBe(true);
  });
  // The draw each candidate made (src/core/decide.ts): two tied draws or means may be ordered either way.
  const draws = actual.inputs.competed.map((c) => c.mean + c.sd * normalFrom(drawSeed + c.id));
  const mayTie = tied(draws) || tied(actual.inputs.competed.map((c) => c.mean));
  if (actual.variant !== expected.variant || actual.explored !== expected.explored) {
    expect(mayTie, `${actual.variant} against ${expected.variant} without a tie`).toBe(true);
    return;
  }
  expect({ ...actual, score: 0, explanation: [], inputs: undefined }).toEqual({ ...expected, score: 0, explanation: [], inputs: undefined });
  expect(close(actual.score, expected.score), `score ${actual.score} against ${expected.score}`).toBe(true);
  expectSameExplanation(actual.explanation, expected.explanation, mayTie);
}

/** A snapshot as the first file reads it back: through JSON (what IndexedDB keeps is plain data). */
const stored = (snapshot: DecisionSnapshot): unknown => JSON.parse(JSON.stringify(snapshot));

describe('a snapshot decides as the profile view would at decision time', () => {
  it('same decisions, features, recommendations and offers as the view-based path, from t0 to any t1 ≥ t0', () => {
    fc.assert(fc.property(
      fc.array(event, { minLength: 0, maxLength: 25 }), fc.array(event, { maxLength: 8 }), fc.constantFrom(0, 1, MIN), later, modelJson,
      fc.constantFrom<DecideOptions>({}, { visitor: 'u1', seed: 3 }, { visitor: 'v9', seed: 0, context: { device: 'mobile', hour: 21, weekday: 6, utm: { campaign: 'Spring' } } }, { visitor: 'u1', preview: 'v2' }),
      (own, remote, settle, when, json, options) => {
        const local = fold(own, T0);
        // Another device of the same visitor, folded separately and pulled: its fields are summed into the view.
        const other = fold(remote, T0 - DAY);
        const profile: Profile = { ...local.profile, remote: remote.length ? { phone: other.profile.own } : {} };
        const last = Math.max(local.last, other.last);
        const t0 = last + settle;
        const made = snapshotOf(viewProfile(profile, t0));
        const t1 = decisionTime(when, t0, last, Number(made.r['c.checkout'] ?? 0));
        const snapshot = stored(made);
        expect(isSnapshot(snapshot)).toBe(true);
        if (!isSnapshot(snapshot)) return;
        const view = viewProfile(profile, t1);
        const model = modelOf(json as ModelJson);
        const markup = json.hero.filter((c) => c.id !== 'default').map((c) => ({ id: c.id, tags: c.tags }));

        expect(lifecycleStage(snapshot, t1)).toBe(referenceLifecycleStage(view));
        expectSameFeatures(visitorFeatures(snapshot, t1, options.context, model.segments), referenceVisitorFeatures(view, options.context, model.segments), 'visitor features');
        for (const c of markup) {
          const a = candidateFeatures(snapshot, t1, c, model.links);
          const e = referenceCandidateFeatures(view, c, model.links);
          expectSameFeatures(a.features, e.features, `candidate ${c.id} [${c.tags.join()}]`);
          if (a.tag !== e.tag) {
            // Two tags whose shares tie: either names the match.
            const strengths = [a.tag, e.tag].map((t) => (t === undefined ? [0, 0] : [tagStrength(snapshot, 'l', t)[0], tagStrength(snapshot, 's', t)[0]]));
            expect(close(strengths[0]?.[0] as number, strengths[1]?.[0] as number) && close(strengths[0]?.[1] as number, strengths[1]?.[1] as number), `tag ${a.tag} against ${e.tag}`).toBe(true);
          }
        }
        const seed = (slot: string): string => `${options.visitor ?? ''}|${slot}|${options.seed ?? ''}|`;
        expectSameDecision(decideSlot('hero', [], snapshot, model, { ...options, now: t1 }), referenceDecideSlot('hero', [], view, model, options), seed('hero'));
        expectSameDecision(decideSlot('hero', markup, snapshot, model, { ...options, now: t1 }), referenceDecideSlot('hero', markup, view, model, options), seed('hero'));
        expectSameDecision(decideOffer(snapshot, model, { ...options, now: t1 }), referenceDecideOffer(view, model, options), seed('offer'));
        const items = markup.map((c) => ({ id: c.id === 'v1' ? 'a' : c.id, tags: c.tags }));
        const recommended = recommend('hero', items, snapshot, model, 2, { ...options, now: t1 });
        const reference = referenceRecommend('hero', items, view, model, 2, options);
        expect(recommended.map((r) => r.id)).toEqual(reference.map((r) => r.id));
        recommended.forEach((r, i) => expect(close(r.score, reference[i]?.score as number)).toBe(true));
      },
    ), { numRuns: 400 });
    // 400 folded histories take ~5 s on a loaded 2-core machine: the default 5 s timeout measured load, not correctness.
  }, 60_000);

  it('explains exactly as before on the same inputs: the same largest contributions, equal ones in the same order', () => {
    // Sizes from a few values, so equal contributions (ties) are common.
    const value = fc.constantFrom(0, 0.001, 0.01, 0.5, -0.5, 1, 2, -2);
    const features = fc.dictionary(fc.constantFrom(...WEIGHTED), value);
    fc.assert(fc.property(features, features, fc.dictionary(fc.constantFrom(...WEIGHTED), value), value, value, fc.nat(5), (visitor, own, weights, bias, learnedValue, limit) => {
      const model = modelOf({ bias: 0, weights, hero: [{ id: 'v1', tags: [] }], offers: [], segments: {}, holdout: 0, noise: 0 });
      const candidate = { id: 'v1', tags: ['running'], bias };
      expect(explain(model, candidate, visitor, own, 'running', learnedValue, limit)).toEqual(referenceExplain(model, candidate, visitor, own, 'running', learnedValue, limit));
      expect(explain(model, undefined, visitor, own, undefined, learnedValue)).toEqual(referenceExplain(model, undefined, visitor, own, undefined, learnedValue));
    }), { numRuns: 500 });
  });

  it('decides at the snapshot time when no decision time is given', () => {
    const { profile } = fold([{ name: 'view_item', gap: 0, items: [{ id: 'a', category: 'running' } as never], value: undefined, props: {} }], T0);
    const snapshot = snapshotOf(viewProfile(profile, T0 + MIN));
    const model = modelOf({ bias: -1, weights: { 'match.short': 2, 'ctx.sessionStart': -1 }, hero: [{ id: 'v1', tags: ['running'] }], offers: [], segments: {}, holdout: 0, noise: 0 });
    expect(decideSlot('hero', [], snapshot, model)).toEqual(decideSlot('hero', [], snapshot, model, { now: T0 + MIN }));
    // An hour on, the visit is over: session interest no longer counts.
    expect(decideSlot('hero', [], snapshot, model, { now: T0 + 60 * MIN }).inputs.features['ctx.sessionStart']).toBe(1);
    expect(decideSlot('hero', [], snapshot, model).inputs.features['ctx.sessionStart']).toBe(0);
  });
});
