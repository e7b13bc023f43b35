/**
 * Decisions and on-device learning through their public behaviour (docs/model.md "Scoring, learning,
 * holdout"): `decideSlot`, `choose`, `inHoldout`, `learned`, `slotFeedback`. Every visitor here has a
 * signal (viewed items or feedback), and exploration noise is 0 unless a test measures the draw, so no
 * result depends on how a first visit or a tie is settled.
 */
import { describe, expect, it } from 'vitest';
import { type SlotFeedback, learned, slotFeedback } from '../../src/core/bandit.js';
import { choose, decideSlot, inHoldout } from '../../src/core/decide.js';
import type { TrackedEvent } from '../../src/core/events.js';
import { candidateFeatures, visitorFeatures } from '../../src/core/features.js';
import { type Model, logit, parseModel, sigmoid } from '../../src/core/model.js';
import { type Profile, apply, emptyProfile } from '../../src/core/profile.js';
import { normalFrom, unitHash } from '../../src/core/random.js';
import { snapshotAt } from './support/snapshot-at.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const MIN = 60_000;
const viewItem = (category: string, ts: number): TrackedEvent => ({ name: 'view_item', ts, props: {}, items: [{ id: `${category}-${ts}`, category }] });
const promo = (name: string, ts: number, slot: string, variant: string): TrackedEvent => ({ name, ts, props: { slot, variant } });
const run = (events: TrackedEvent[], start: Profile = emptyProfile()): Profile => events.reduce((p, e) => apply(p, e).profile, start);

function model(extra: Record<string, unknown> = {}): Model {
  const parsed = parseModel({ version: 1, id: 'test', bias: -1.5, weights: { 'match.long': 3 }, holdout: 0, explore: { noise: 0 }, ...extra });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.model;
}

/** A visitor who viewed running twice and camping once: running matches best. */
const fan = snapshotAt(run([viewItem('running', T0), viewItem('running', T0 + 1), viewItem('camping', T0 + 2)]), T0 + MIN);
const markup = [{ id: 'run', tags: ['running'] }, { id: 'camp', tags: ['camping'] }];

describe('markup candidates take their own model entry', () => {
  it('takes bias from the entry with the same id, whatever the declaration order', () => {
    // Without biases the running fan gets `run`; the model's entries turn that around.
    expect(decideSlot('hero', markup, fan, model()).variant).toBe('run');
    const entries = [{ id: 'run', tags: [], bias: -4 }, { id: 'camp', tags: [], bias: 4 }];
    for (const slots of [{ hero: entries }, { hero: [...entries].reverse() }]) {
      const d = decideSlot('hero', markup, fan, model({ slots }));
      expect(d.variant).toBe('camp');
      const camp = candidateFeatures(fan, fan.at, { id: 'camp', tags: ['camping'] }).features;
      expect(d.score).toBeCloseTo(sigmoid(-1.5 + 4 + 3 * (camp['match.long'] as number)), 9);
    }
  });

  it('takes eligibility from the entry with the same id only', () => {
    const slots = { hero: [{ id: 'camp', tags: [] }, { id: 'run', tags: [], eligibility: { 'ctx.mobile': [1, null] } }] };
    expect(decideSlot('hero', markup, fan, model({ slots }), { context: { device: 'desktop' } }).variant).toBe('camp');
    expect(decideSlot('hero', markup, fan, model({ slots }), { context: { device: 'mobile' } }).variant).toBe('run');
    // An entry for another slot lends nothing.
    expect(decideSlot('hero', markup, fan, model({ slots: { side: slots.hero } }), { context: { device: 'desktop' } }).variant).toBe('run');
  });

  it('uses the markup tags, not the entry tags', () => {
    const slots = { hero: [{ id: 'run', tags: ['camping'] }, { id: 'camp', tags: ['running'] }] };
    expect(decideSlot('hero', markup, fan, model({ slots })).variant).toBe('run');
  });
});

describe("the slot's own content", () => {
  it("competes under the model's default entry when it declares one", () => {
    // Declared candidates (decideSlot without markup, as the Preact and JS API call it).
    const runOnly = { id: 'run', tags: ['running'] };
    // The fan's match makes `run` beat the plain default...
    expect(decideSlot('hero', [], fan, model({ slots: { hero: [runOnly] } })).variant).toBe('run');
    // ...but not a default the model favours...
    const favoured = decideSlot('hero', [], fan, model({ slots: { hero: [{ id: 'default', tags: [], bias: 5 }, runOnly] } }));
    expect(favoured).toMatchObject({ variant: 'default', group: 'personalized' });
    expect(favoured.score).toBeCloseTo(sigmoid(-1.5 + 5), 9);
    // ...and an ineligible default leaves the best eligible variant, even one the model scores low.
    const shy = model({ slots: { hero: [{ id: 'default', tags: [], eligibility: { 'ctx.mobile': [1, null] } }, { id: 'camp', tags: [], bias: -6 }] } });
    expect(choose('hero', shy.slots.hero ?? [], fan, shy).variant).toBe('camp');
    // A default declared in the list is the base: it is not scored a second time as a candidate with its tags.
    const tagged = model({ slots: { hero: [{ id: 'default', tags: ['running'], bias: -0.5 }, { id: 'camp', tags: ['camping'] }] } });
    expect(choose('hero', tagged.slots.hero ?? [], fan, tagged).variant).toBe('camp');
    // Its score and explanation have no tag match either, when it wins on its bias.
    const ahead = model({ slots: { hero: [{ id: 'default', tags: ['running'], bias: 2 }, { id: 'camp', tags: ['camping'] }] } });
    const d = choose('hero', ahead.slots.hero ?? [], fan, ahead);
    expect(d.variant).toBe('default');
    expect(d.score).toBeCloseTo(sigmoid(-1.5 + 2), 9);
    expect(d.explanation.some((c) => c.feature.startsWith('match.'))).toBe(false);
  });
});

describe('preview (QA forcing a variant)', () => {
  it('shows the forced variant even when the model prefers another, in group preview', () => {
    const d = decideSlot('hero', markup, fan, model(), { preview: 'camp' });
    expect(d).toMatchObject({ variant: 'camp', group: 'preview', slot: 'hero', model: 'test' });
    expect(decideSlot('hero', markup, fan, model(), { preview: 'default' })).toMatchObject({ variant: 'default', group: 'preview' });
    // A variant that is not there leaves the default, still marked as a preview.
    expect(decideSlot('hero', markup, fan, model(), { preview: 'nope' })).toMatchObject({ variant: 'default', group: 'preview' });
  });

  it('wins over the holdout', () => {
    const all = model({ holdout: 0.5 });
    const held = Array.from({ length: 50 }, (_, i) => `v${i}`).find((v) => inHoldout(all, v));
    expect(held).toBeDefined();
    expect(decideSlot('hero', markup, fan, all, { visitor: held, preview: 'camp' })).toMatchObject({ variant: 'camp', group: 'preview' });
    expect(decideSlot('hero', markup, fan, all, { visitor: held })).toMatchObject({ variant: 'default', group: 'holdout' });
  });
});

describe('holdout', () => {
  it('needs a visitor id: an anonymous decision is never held out', () => {
    const everyone = model({ holdout: 0.5 });
    const visitors = Array.from({ length: 200 }, (_, i) => `device-${i}`);
    expect(visitors.some((v) => inHoldout(everyone, v))).toBe(true);
    expect(inHoldout(everyone, undefined)).toBe(false);
    expect(inHoldout({ ...everyone, holdout: 0 }, visitors.find((v) => inHoldout(everyone, v)))).toBe(false);
    expect(decideSlot('hero', markup, fan, everyone)).toMatchObject({ variant: 'run', group: 'personalized' });
  });

  it('is hash("holdout:" + visitor) < holdout, as documented', () => {
    const share = model({ holdout: 0.3 });
    const visitors = Array.from({ length: 300 }, (_, i) => `visitor-${i}`);
    const expected = visitors.filter((v) => unitHash('holdout:' + v) < 0.3);
    expect(visitors.filter((v) => inHoldout(share, v))).toEqual(expected);
    expect(expected.length).toBeGreaterThan(60);
  });
});

describe('score and learning', () => {
  const two = model({ explore: { prior: 5, noise: 0 }, slots: { hero: [{ id: 'run', tags: ['running'] }, { id: 'camp', tags: ['camping'] }] } });

  it("adds the visitor's learned mean to the chosen variant's modelled score", () => {
    const clicked = run([promo('view_promotion', T0 + 3, 'hero', 'run'), promo('select_promotion', T0 + 4, 'hero', 'run'), promo('view_promotion', T0 + 5, 'hero', 'camp')],
      run([viewItem('running', T0), viewItem('running', T0 + 1), viewItem('camping', T0 + 2)]));
    const view = snapshotAt(clicked, T0 + MIN);
    const d = decideSlot('hero', [], view, two);
    expect(d.variant).toBe('run');
    const mean = learned(two, slotFeedback(view, 'hero'), 'run', '').mean;
    expect(mean).toBeGreaterThan(0);
    const own = candidateFeatures(view, view.at, { id: 'run', tags: ['running'] }).features;
    expect(d.score).toBeCloseTo(sigmoid(logit(two, two.slots.hero?.[0], visitorFeatures(view, view.at), own) + mean), 9);
    expect(d.score).toBeGreaterThan(decideSlot('hero', [], fan, two).score);
  });

  it('learns logit((s + k·r)/(n + k)) − logit(r), r the smoothed rate over the slot', () => {
    const feedback: SlotFeedback = new Map([['a', { n: 4, s: 1 }], ['b', { n: 2, s: 3 }], ['c', { n: 6, s: 0 }]]);
    const k = 5;
    const m = model({ explore: { prior: k, noise: 0 } });
    // Successes count as impressions when there are more of them (b: 3 > 2).
    const r = (1 + 3 + 0 + 1) / (4 + 3 + 6 + 2);
    const odds = (p: number) => Math.log(p / (1 - p));
    expect(learned(m, feedback, 'a', '').mean).toBeCloseTo(odds((1 + k * r) / (4 + k)) - odds(r), 12);
    expect(learned(m, feedback, 'b', '').mean).toBeCloseTo(odds((3 + k * r) / (3 + k)) - odds(r), 12);
    expect(learned(m, feedback, 'c', '').mean).toBeCloseTo(odds((0 + k * r) / (6 + k)) - odds(r), 12);
    // No feedback on a variant: nothing learned, and without noise the draw is the mean.
    expect(learned(m, feedback, 'd', 'seed')).toEqual({ mean: 0, sd: 0, draw: 0 });
    expect(learned(m, feedback, 'a', 'seed').draw).toBe(learned(m, feedback, 'a', '').mean);
  });

  it('narrows exploration as impressions grow: the draw spreads by noise / √(1 + n)', () => {
    const m = model({ explore: { prior: 20, noise: 0.5 } });
    const seeds = Array.from({ length: 200 }, (_, i) => `v|hero|${i}|a`);
    const spread = (n: number): number[] => seeds.map((seed) => {
      const f: SlotFeedback = new Map([['a', { n, s: 0 }], ['b', { n: 10, s: 2 }]]);
      const { mean, draw } = learned(m, f, 'a', seed);
      return draw - mean;
    });
    const unseen = seeds.map((seed) => learned(m, new Map([['b', { n: 10, s: 2 }]]), 'a', seed).draw);
    const ninetyNine = spread(99);
    ninetyNine.forEach((d, i) => expect(d).toBeCloseTo((unseen[i] as number) / 10, 12));
    spread(3).forEach((d, i) => expect(d).toBeCloseTo((unseen[i] as number) / 2, 12));
    // The same seed gives the same draw; the draws themselves vary.
    expect(learned(m, new Map(), 'a', seeds[0] as string)).toEqual(learned(m, new Map(), 'a', seeds[0] as string));
    expect(new Set(unseen.map((d) => d.toFixed(6))).size).toBeGreaterThan(190);
    const sd = Math.sqrt(unseen.reduce((sum, d) => sum + d * d, 0) / unseen.length);
    expect(sd).toBeGreaterThan(0.35);
    expect(sd).toBeLessThan(0.65);
  });
});

describe('slot feedback', () => {
  it("reads one slot's impressions, clicks and conversions, not another slot's", () => {
    const p = run([
      promo('view_promotion', T0, 'hero', 'a'), promo('view_promotion', T0 + 1, 'hero', 'a'), promo('select_promotion', T0 + 2, 'hero', 'a'),
      promo('view_promotion', T0 + 3, 'hero', 'b'),
      { name: 'conversion', ts: T0 + 4, props: {} },
      promo('view_promotion', T0 + 5, 'hero2', 'a'), promo('select_promotion', T0 + 6, 'hero2', 'c'),
      promo('view_promotion', T0 + 7, 'side', 'a'),
    ]);
    const view = snapshotAt(p, T0 + MIN);
    // The conversion credits the last seen variant of each slot: hero b (seen after a's click), nothing else yet.
    expect(slotFeedback(view, 'hero')).toEqual(new Map([['a', { n: 2, s: 1 }], ['b', { n: 1, s: 1 }]]));
    expect(slotFeedback(view, 'hero2')).toEqual(new Map([['a', { n: 1, s: 0 }], ['c', { n: 0, s: 1 }]]));
    expect(slotFeedback(view, 'side')).toEqual(new Map([['a', { n: 1, s: 0 }]]));
    expect(slotFeedback(view, 'her')).toEqual(new Map());
    expect(slotFeedback(view, 'offer')).toEqual(new Map());
  });

  it('reads only the b.i, b.k and b.v counters, not other counters that look alike', () => {
    const c = (v: number) => ({ k: 'c' as const, v });
    const fields = { 'b.i.hero.a': c(2), 'b.k.hero.a': c(1), 'b.x.hero.a': c(5), 'x.i.hero.a': c(3), 'n.vihero.a': c(4) };
    const view = snapshotAt({ ...emptyProfile(), own: { seq: 5, fields } }, T0);
    expect(slotFeedback(view, 'hero')).toEqual(new Map([['a', { n: 2, s: 1 }]]));
  });
});

describe('what a decision records it was made from (the decision log)', () => {
  it('a holdout decision lists the default alone as what competed', () => {
    const d = decideSlot('hero', markup, fan, model({ holdout: 0.5 }), { visitor: [...Array(100).keys()].map((i) => `v${i}`).find((v) => unitHash('holdout:' + v) < 0.5) as string });
    expect(d.group).toBe('holdout');
    expect(d.inputs.competed.map((c) => c.id)).toEqual(['default']);
  });

  it("a declared `default` entry competes once, as the slot's own content (twice, it skewed the logged propensity)", () => {
    const slots = { hero: [{ id: 'default', tags: [], bias: 0.2 }, { id: 'run', tags: ['running'] }] };
    const d = decideSlot('hero', [], fan, model({ slots }), { visitor: 'v' });
    expect(d.inputs.competed.map((c) => c.id)).toEqual(['default', 'run']);
  });

  it('draws mean + sd · z with z seeded by visitor, slot, page view and candidate, so visitors explore apart', () => {
    const seen = snapshotAt(run([promo('view_promotion', T0, 'hero', 'run'), viewItem('running', T0 + 1)]), T0 + MIN);
    // No weights: the candidates' means are close, so exploration often changes the choice.
    const m = model({ weights: {}, explore: { prior: 20, noise: 1 } });
    const feedback = slotFeedback(seen, 'hero');
    const l = learned(m, feedback, 'camp', 'v1|hero|3|camp');
    expect(l.sd).toBeGreaterThan(0);
    expect(l.draw).toBeCloseTo(l.mean + l.sd * normalFrom('v1|hero|3|camp'), 12);
    // Two visitors on the same page view with the same profile explore independently.
    const draws = (visitor: string): string => JSON.stringify(decideSlot('hero', markup, seen, m, { visitor, seed: 3 }).inputs.competed.map((c) => c.mean));
    const variants = new Set(Array.from({ length: 40 }, (_, i) => decideSlot('hero', markup, seen, m, { visitor: `v${i}`, seed: 3 }).variant));
    expect(draws('v1')).toBe(draws('v2'));
    expect(variants.size).toBeGreaterThan(1);
  });
});
