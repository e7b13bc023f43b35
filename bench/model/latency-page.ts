/**
 * Runs in Chromium: builds a visitor with a rich profile, its decision
 * snapshot, and a model with 50 candidates and 64 visitor-and-candidate
 * features, then times decisions (repeated on one snapshot, as a page's slots
 * share it, and on a fresh copy of it each time, as a page that just read it
 * from IndexedDB), and the making of the snapshot itself (the second stage's cost).
 */
import { decideSlot } from '../../src/core/decide.js';
import { validateEvent } from '../../src/core/events.js';
import { candidateFeatures, visitorFeatures } from '../../src/core/features.js';
import { type Model, parseModel } from '../../src/core/model.js';
import { apply, emptyProfile } from '../../src/core/profile.js';
import { type DecisionSnapshot, snapshotOf } from '../../src/core/snapshot.js';
import { viewProfile } from '../../src/core/view.js';

const T0 = Date.UTC(2026, 0, 5, 12);

function setup() {
  let profile = emptyProfile();
  const traits: Record<string, string | number> = {};
  for (let i = 0; i < 45; i++) traits[`t${i}`] = i % 3 ? i : `v${i}`;
  const events = [{ name: 'identify', ts: T0, props: { userId: 'u1', traits } }];
  for (let i = 0; i < 300; i++) {
    events.push({ name: 'view_item', ts: T0 + i * 20_000, props: {}, items: [{ id: `i${i}`, category: `c${i % 60}`, brand: `b${i % 7}`, price: 10 + i, tags: [`t${i % 40}`] }] } as never);
  }
  for (const raw of events) {
    const result = validateEvent(raw, raw.ts);
    if (result.ok) profile = apply(profile, result.event).profile;
  }
  const now = T0 + 300 * 20_000;
  const view = viewProfile(profile, now);
  const snapshot = snapshotOf(view);
  const context = { device: 'mobile', referrer: 'search', hour: 20, weekday: 6, utm: { campaign: 'spring' } } as const;
  const segments: Record<string, Record<string, [number | null, number | null]>> = {};
  for (let i = 0; i < 23; i++) segments[`s${i}`] = { 'rfm.frequency': [null, i] };
  const names = Object.keys(visitorFeatures(snapshot, now, context, segments)).concat(['match.long', 'match.short', 'match.recent']);
  const slots = { hero: Array.from({ length: 50 }, (_, i) => ({
    id: `v${i}`, tags: [`c${i}`, `t${i % 40}`], bias: (i % 5) / 10,
    weights: Object.fromEntries(names.map((n, j) => [n, ((i * 31 + j * 17) % 13) / 20 - 0.3])),
    eligibility: i % 10 === 0 ? { 'ctx.mobile': [1, null] } : undefined,
  })) };
  // Transitions between the 60 categories (20 targets each), so `match.next` is part of the cost.
  const links = Object.fromEntries(Array.from({ length: 60 }, (_, a) => [`c${a}`, Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`c${(a + k * 3) % 60}`, 0.01 + k / 100]))]));
  const parsed = parseModel(JSON.stringify({ version: 1, id: 'latency', bias: -1, weights: { 'match.long': 2, 'match.short': 1, 'match.recent': 1, 'match.next': 2 }, slots, segments, links, cooccur: links }));
  if (!parsed.ok) throw new Error(parsed.reason);
  const features = names.length;
  return { view, snapshot, now, model: parsed.model as Model, context, features, sample: Object.keys(candidateFeatures(snapshot, now, { id: 'x', tags: ['c1'] }).features).length };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

/** Times `runs` single decisions and `batches` batches of 50 (for sub-timer-resolution means). */
export function run(runs = 3000, batches = 200) {
  const { view, snapshot, now, model, context, features } = setup();
  // Decided a minute after the snapshot was made, as the next page of the visit would.
  const at = now + 60_000;
  const decide = (seed: number) => decideSlot('hero', [], snapshot, model, { now: at, visitor: 'u1', seed, context });
  for (let i = 0; i < 300; i++) decide(i);
  const single: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    decide(i);
    single.push(performance.now() - t);
  }
  const batch: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t = performance.now();
    for (let i = 0; i < 50; i++) decide(b * 50 + i);
    batch.push((performance.now() - t) / 50);
  }
  // The same decisions on a fresh copy of the snapshot each time (copied outside the timer, as IndexedDB
  // hands the page a new object): nothing cached from earlier decisions.
  const cold: number[] = [];
  const stored = JSON.stringify(snapshot);
  for (let i = 0; i < 300; i++) {
    const fresh = JSON.parse(stored) as DecisionSnapshot;
    const t = performance.now();
    decideSlot('hero', [], fresh, model, { now: at, visitor: 'u1', seed: i, context });
    cold.push(performance.now() - t);
  }
  // Making the snapshot from the view: what the second stage pays per profile change.
  const made: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    snapshotOf(view);
    made.push(performance.now() - t);
  }
  made.sort((a, b) => a - b);
  cold.sort((a, b) => a - b);
  single.sort((a, b) => a - b);
  batch.sort((a, b) => a - b);
  const tView = performance.now();
  for (let i = 0; i < 100; i++) viewProfile({ v: 1, own: { seq: 0, fields: {} }, remote: {} }, 0);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    candidates: model.slots.hero?.length, features,
    singleMs: { p50: r(percentile(single, 0.5)), p99: r(percentile(single, 0.99)), max: r(single[single.length - 1] as number) },
    freshSnapshotMs: { p50: r(percentile(cold, 0.5)), p99: r(percentile(cold, 0.99)), max: r(cold[cold.length - 1] as number) },
    snapshotOfMs: { p50: r(percentile(made, 0.5)), p99: r(percentile(made, 0.99)) },
    snapshotBytes: stored.length,
    batchMeanMs: { p50: r(percentile(batch, 0.5)), p99: r(percentile(batch, 0.99)) },
    timerResolutionMs: r(Math.min(...single.filter((x) => x > 0))),
    emptyViewMs: r((performance.now() - tView) / 100),
  };
}
(globalThis as Record<string, unknown>).o2oLatency = run;
