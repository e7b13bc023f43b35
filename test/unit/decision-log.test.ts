import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choose, decideSlot } from '../../src/core/decide.js';
import { LEARN_MEAN, LEARN_SD, buildDecisionRecord, loggable, recordArms, recordPropensity, wireValid } from '../../src/core/decision-log.js';
import { MAX_LOGGED_CANDIDATES, MAX_LOGGED_FEATURES } from '../../src/core/decision-record.js';
import type { TrackedEvent } from '../../src/core/events.js';
import { type Model, parseModel } from '../../src/core/model.js';
import { decideOffer } from '../../src/core/offers.js';
import { type Profile, apply, emptyProfile } from '../../src/core/profile.js';
import { propensityOf } from '../../src/core/propensity-of.js';
import { choiceProbabilities, propensityError } from '../../src/core/propensity.js';
import { snapshotAt } from './support/snapshot-at.js';
import { explorationWords } from '../../src/debug/panel.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const MIN = 60_000;
const ev = (name: string, ts: number, props: TrackedEvent['props'] = {}, extra: Partial<TrackedEvent> = {}): TrackedEvent => ({ name, ts, props, ...extra });
const run = (events: TrackedEvent[], start: Profile = emptyProfile()): Profile => events.reduce((p, e) => apply(p, e).profile, start);
const viewItem = (category: string, ts: number): TrackedEvent => ({ name: 'view_item', ts, props: {}, items: [{ id: `${category}-${ts}`, category }] });

function model(extra: Record<string, unknown> = {}): Model {
  const parsed = parseModel({ version: 1, id: 'm1', bias: -1.5, weights: { 'match.long': 3, 'match.short': 2 }, holdout: 0, ...extra });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.model;
}

/** The demo shop's hero, as the built-in exploration (noise 0.1) sees it. */
const hero = model({ slots: { hero: ['cycling', 'camping', 'deals'].map((id) => ({ id, tags: [id] })) } });

describe('first visit (#17 point 1)', () => {
  it('a visitor with no signal gets the default, with probability 1, whatever the seed', () => {
    const view = snapshotAt(emptyProfile(), T0);
    for (let seed = 0; seed < 50; seed++) {
      const d = decideSlot('hero', [], view, hero, { visitor: `fresh-${seed}`, seed: 1 });
      expect(d.variant).toBe('default');
      expect(d.explored).toBe(false);
      expect(propensityOf(d)).toEqual({ p: 1, best: 'default', exploration: 0 });
    }
  });

  it('the model can still decide otherwise for the context: a campaign feature or a candidate bias wins on a first visit', () => {
    const view = snapshotAt(emptyProfile(), T0);
    const campaign = model({ slots: { hero: [{ id: 'deals', tags: [], weights: { 'ctx.campaign': 2 } }] } });
    const d = decideSlot('hero', [], view, campaign, { visitor: 'v', context: { utm: { campaign: 'spring' } } });
    expect(d.variant).toBe('deals');
    expect(propensityOf(d).p).toBe(1);
    expect(decideSlot('hero', [], view, model({ slots: { hero: [{ id: 'deals', tags: [], bias: 0.5 }] } }), { visitor: 'v' }).variant).toBe('deals');
  });

  it('the model\'s `default` entry tunes the default for markup candidates too', () => {
    const m = model({ slots: { hero: [{ id: 'default', tags: [], bias: 1 }, { id: 'deals', tags: [], bias: 0.5 }] } });
    const d = decideSlot('hero', [{ id: 'deals', tags: [] }], snapshotAt(emptyProfile(), T0), m, { visitor: 'v' });
    expect(d.variant).toBe('default');
    expect(d.score).toBeCloseTo(1 / (1 + Math.exp(0.5)), 9);
  });
});

describe('exploration is said, never contradicted', () => {
  // Seen the hero a few times: exploration is on, and with noise 1 it often changes the choice.
  const seen = run([ev('view_promotion', T0, { slot: 'hero', variant: 'default' })]);
  const view = snapshotAt(seen, T0 + MIN);
  const noisy = model({ explore: { noise: 1 }, slots: hero.slots });
  // Decided inside each test, not while the file is collected: mutation testing switches a mutant on per test.
  const decisions = (): ReturnType<typeof decideSlot>[] => Array.from({ length: 60 }, (_, seed) => decideSlot('hero', [], view, noisy, { visitor: 'v', seed }));

  it('an explored choice says so first, in plain words, and names what the model rates higher', () => {
    const explored = decisions().filter((d) => d.explored);
    expect(explored.length).toBeGreaterThan(5);
    for (const d of explored) {
      const { best, p, exploration } = propensityOf(d);
      expect(best).not.toBe(d.variant);
      expect(d.explanation[0]).toMatchObject({ feature: 'explore', text: `shown to learn what you prefer: the model rates ${best} higher` });
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThanOrEqual(exploration + propensityError(4));
    }
  });

  it('the debug panel gives QA the chance and the exploration share in words', () => {
    const explored = decisions().find((d) => d.explored)!;
    const { best } = propensityOf(explored);
    expect(explorationWords(explored)).toMatch(new RegExp(`^Exploration: shown with probability \\d+(\\.\\d)?%; the model rates ${best} higher, and exploration shows another variant \\d+(\\.\\d)?% of the time here\\.$`));
    const fresh = decideSlot('hero', [], snapshotAt(emptyProfile(), T0), noisy, { visitor: 'v' });
    expect(explorationWords(fresh)).toBe('No exploration here: the best-scored variant is shown.');
  });

  it('a choice exploration did not change carries no exploration words and is the best mean', () => {
    const kept = decisions().filter((d) => !d.explored);
    expect(kept.length).toBeGreaterThan(5);
    for (const d of kept) {
      expect(d.explanation.some((c) => c.feature === 'explore')).toBe(false);
      expect(propensityOf(d).best).toBe(d.variant);
    }
  });

  it('the share of choices each candidate got matches its propensity', () => {
    const counts = new Map<string, number>();
    const many = Array.from({ length: 4000 }, (_, seed) => decideSlot('hero', [], view, noisy, { visitor: 'v', seed }));
    for (const d of many) counts.set(d.variant, (counts.get(d.variant) ?? 0) + 1);
    const d0 = many[0]!;
    const ps = choiceProbabilities(d0.inputs.competed.map((c) => ({ mean: c.mean, sd: c.sd })));
    d0.inputs.competed.forEach((c, i) => {
      const share = (counts.get(c.id) ?? 0) / many.length;
      expect(Math.abs(share - ps[i]!)).toBeLessThan(4.5 * Math.sqrt(ps[i]! * (1 - ps[i]!) / many.length) + 1e-3);
    });
  });

  it('holdout and preview are not policy choices: p = 1', () => {
    const heldVisitor = Array.from({ length: 40 }, (_, i) => `v${i}`).find((v) => choose('hero', [], view, { ...noisy, holdout: 0.5 }, { visitor: v }).group === 'holdout')!;
    const h = choose('hero', noisy.slots.hero!, view, { ...noisy, holdout: 0.5 }, { visitor: heldVisitor });
    expect(h.group).toBe('holdout');
    expect(propensityOf(h).p).toBe(1);
    const pv = choose('hero', noisy.slots.hero!, view, noisy, { visitor: 'v', preview: 'camping' });
    expect([pv.group, pv.variant, propensityOf(pv).p]).toEqual(['preview', 'camping', 1]);
  });
});

describe('decision record', () => {
  const seen = run([
    ev('view_promotion', T0, { slot: 'hero', variant: 'cycling' }), ev('view_promotion', T0 + 1, { slot: 'hero', variant: 'deals' }),
    ev('select_promotion', T0 + 2, { slot: 'hero', variant: 'deals' }), viewItem('cycling', T0 + 3), viewItem('camping', T0 + 4),
  ]);
  const view = snapshotAt(seen, T0 + MIN);
  const noisy = model({ explore: { noise: 0.5 }, slots: { hero: [{ id: 'cycling', tags: ['cycling'], bias: 0.1 }, { id: 'camping', tags: ['camping'] }, { id: 'deals', tags: ['deals'], weights: { 'ctx.mobile': 1 } }] } });

  it('carries what the contract asks, with learned terms and spreads per candidate', () => {
    const d = decideSlot('hero', [], view, noisy, { visitor: 'v', seed: 3, context: { device: 'mobile' } as never });
    const r = buildDecisionRecord(d, 'd1', 123);
    expect(r).toMatchObject({ id: 'd1', t: 123, slot: 'hero', model: 'm1', group: 'personalized', variant: d.variant, pm: 'exact' });
    expect(r.candidates).toEqual(['default', 'cycling', 'camping', 'deals']);
    expect(r.p).toBeCloseTo(propensityOf(d).p, 12);
    expect(Object.values(r.f).every((x) => x !== 0)).toBe(true);
    expect(r.cf.deals![LEARN_MEAN]).toBeGreaterThan(0);
    expect(r.cf.deals![LEARN_SD]).toBeCloseTo(0.5 / Math.sqrt(2), 12);
    expect(r.cf.cycling!['match.long']).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('a record alone recomputes the propensity under the model that decided (property, random seeds and contexts)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.boolean(), (seed, mobile) => {
        const d = decideSlot('hero', [], view, noisy, { visitor: 'v', seed, context: (mobile ? { device: 'mobile' } : {}) as never });
        const r = JSON.parse(JSON.stringify(buildDecisionRecord(d, 'd', 1)));
        const arms = recordArms(r, noisy);
        d.inputs.competed.forEach((c, i) => expect(arms[i]!.mean).toBeCloseTo(c.mean, 12));
        expect(Math.abs(recordPropensity(r, noisy) - r.p)).toBeLessThan(1e-12);
      }),
      { numRuns: 50, seed: 5 },
    );
  });

  it('under another model the record gives that model\'s propensity', () => {
    const d = decideSlot('hero', [], view, noisy, { visitor: 'v', seed: 9 });
    const r = buildDecisionRecord(d, 'd', 1);
    const other = model({ explore: { noise: 0.5 }, slots: { hero: [{ id: 'cycling', tags: ['cycling'], bias: 3 }, { id: 'camping', tags: ['camping'] }, { id: 'deals', tags: ['deals'] }] } });
    const p = recordPropensity(r, other);
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).not.toBeCloseTo(r.p, 3);
  });

  it('a slot that kept its default because it was late is not logged as a policy choice', () => {
    const d = decideSlot('hero', [], view, noisy, { visitor: 'v', seed: 3 });
    expect(loggable(d)).toBe(true);
    expect(loggable({ ...d, variant: 'default', explanation: [{ feature: 'late', value: 0, text: 'late: no-head-rule' }] })).toBe(false);
  });

  it('markup that breaks the wire rules is not sent (the collector would refuse the whole request); a repeated variant id is named once and its probability sums its entries', () => {
    const m = model({ explore: { noise: 1 } });
    const seenView = snapshotAt(run([ev('view_promotion', T0, { slot: 'hero', variant: 'x' })]), T0 + MIN);
    const dup = decideSlot('hero', [{ id: 'x', tags: [] }, { id: 'x', tags: ['running'] }, { id: 'y', tags: [] }], seenView, m, { visitor: 'v', seed: 1 });
    const r = buildDecisionRecord(dup, 'd', 1);
    expect(r.candidates).toEqual(['default', 'x', 'y']);
    expect(wireValid(r)).toBe(true);
    const ps = choiceProbabilities(dup.inputs.competed.map((c) => ({ mean: c.mean, sd: c.sd })));
    const expected = dup.inputs.competed.reduce((sum, c, i) => sum + (c.id === dup.variant ? ps[i]! : 0), 0);
    expect(propensityOf(dup).p).toBeCloseTo(expected, 12);
    for (const [slot, variant] of [['constructor', 'x'], ['a b', 'x'], ['hero', '__proto__'], ['hero', 'has space']]) {
      const d = decideSlot(slot!, [{ id: variant!, tags: [] }], snapshotAt(emptyProfile(), T0), m, { visitor: 'v', preview: variant });
      expect(wireValid(buildDecisionRecord(d, 'd', 1))).toBe(false);
    }
    expect(wireValid({ ...r, p: Number.NaN })).toBe(false);
  });

  it('offers are logged under slot `offer`; a fresh visitor gets "no offer" with p = 1', () => {
    const offers = model({ offers: [{ id: 'ten', tags: ['deals'], content: { title: 'Ten off' } }] });
    const d = decideOffer(snapshotAt(emptyProfile(), T0), offers, { visitor: 'v' });
    const r = buildDecisionRecord(d, 'o1', 5);
    expect(r).toMatchObject({ slot: 'offer', variant: 'default', candidates: ['default', 'ten'], p: 1 });
  });

  it('is bounded: at most 32 candidates (the chosen kept) and 64 non-zero features', () => {
    const many = model({ explore: { noise: 0.5 }, slots: { hero: Array.from({ length: 50 }, (_, i) => ({ id: `c${i}`, tags: [], bias: i / 100 })) } });
    const traits = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`t${i}`, i + 1]));
    const p = run([ev('identify', T0, { userId: 'u', traits }), ev('view_promotion', T0 + 1, { slot: 'hero', variant: 'c1' })]);
    for (let seed = 0; seed < 20; seed++) {
      const d = decideSlot('hero', [], snapshotAt(p, T0 + MIN), many, { visitor: 'v', seed });
      const r = buildDecisionRecord(d, 'b', 1);
      expect(r.candidates.length).toBeLessThanOrEqual(MAX_LOGGED_CANDIDATES);
      expect(r.candidates).toContain(d.variant);
      expect(Object.keys(r.f).length).toBeLessThanOrEqual(MAX_LOGGED_FEATURES);
      expect(Object.keys(r.cf)).toEqual(r.candidates.filter((c) => c !== d.variant || d.inputs.competed.some((x) => x.id === c)));
    }
  });
});
