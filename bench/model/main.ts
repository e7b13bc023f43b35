/**
 * `npm run bench:model -- [--data DIR] [--json] [--out model.json] [--noise X]`
 *
 * Replays MovieLens-format data (or a synthetic population) through the SDK
 * and compares three policies for a hero slot that features one genre:
 * global popularity, the visitor's persona segment, and OneToOne (the real
 * `apply` → features → model path, with a model trained on the training users).
 * Protocol in docs/model.md.
 */
import { writeFileSync } from 'node:fs';
import { decideSlot } from '../../src/core/decide.js';
import { candidateFeatures, visitorFeatures } from '../../src/core/features.js';
import type { Model } from '../../src/core/model.js';
import { hash32 } from '../../src/core/random.js';
import { recommend } from '../../src/core/recommend.js';
import { type Dataset, type Persona, loadMovieLens, syntheticDataset } from './data.js';
import { ageBand, replay } from './replay.js';
import { type Row, fit, tagMatrices } from './train.js';
import type { TagMatrix } from '../../src/core/model.js';

const SLOT = 'hero';
const SPLIT_SEED = 2024;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** Users split 80/20 by a fixed seed: ordered by a seeded hash, the first 80% train. */
export function split(data: Dataset): { train: number[]; test: number[] } {
  const ids = [...data.ratings.keys()].sort((a, b) => hash32(`${SPLIT_SEED}:${a}`) - hash32(`${SPLIT_SEED}:${b}`) || a - b);
  const cut = Math.round(ids.length * 0.8);
  return { train: ids.slice(0, cut), test: ids.slice(cut) };
}

type Ranking = string[];

function rank(counts: Map<string, number>): Ranking {
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([g]) => g);
}

function genreCounts(data: Dataset, users: number[]): Map<string, number> {
  const counts = new Map<string, number>(data.genres.map((g) => [g, 0]));
  for (const user of users) {
    for (const r of data.ratings.get(user) ?? []) {
      for (const g of data.items.get(r.item) ?? []) counts.set(g, (counts.get(g) ?? 0) + 1);
    }
  }
  return counts;
}

/** Persona keys from finest to coarsest; a key is used when at least 5 training users share it. */
function personaKeys(p: Persona): string[] {
  const age = ageBand(p.age);
  return [`${age}|${p.gender}|${p.occupation}`, `${age}|${p.gender}`, `${age}`, '*'];
}

function segmentPolicy(data: Dataset, train: number[]): (p: Persona) => Ranking {
  const members = new Map<string, number[]>();
  for (const user of train) {
    const persona = data.users.get(user);
    if (!persona) continue;
    for (const key of personaKeys(persona)) members.set(key, [...(members.get(key) ?? []), user]);
  }
  const cache = new Map<string, Ranking>();
  return (p) => {
    const key = personaKeys(p).find((k) => (members.get(k)?.length ?? 0) >= 5) ?? '*';
    let ranking = cache.get(key);
    if (!ranking) cache.set(key, (ranking = rank(genreCounts(data, members.get(key) ?? train))));
    return ranking;
  };
}

function trainingRows(data: Dataset, train: number[], maxSteps: number, links: TagMatrix): Row[] {
  const rows: Row[] = [];
  const keep = Math.min(1, maxSteps / train.reduce((n, u) => n + Math.max(0, (data.ratings.get(u)?.length ?? 0) - 5), 0));
  for (const user of train) {
    const persona = data.users.get(user);
    if (!persona) continue;
    let i = 0;
    replay(data, user, persona, ({ snapshot, now, next }) => {
      if ((hash32(`row:${user}:${i++}`) / 4294967296) >= keep) return;
      const visitor = Object.fromEntries(Object.entries(visitorFeatures(snapshot, now)).filter(([n]) => !(process.env.DROP ?? '_none_').split(',').some((p) => n.startsWith(p))));
      data.genres.forEach((genre, candidate) => {
        rows.push({ candidate, visitor, own: candidateFeatures(snapshot, now, { id: genre, tags: [genre] }, links).features, y: next.includes(genre) ? 1 : 0 });
      });
    });
  }
  return rows;
}

interface Tally { steps: number; hit1: number; hit3: number; newSteps: number; hit1NewVisit: number }
const tally = (): Tally => ({ steps: 0, hit1: 0, hit3: 0, newSteps: 0, hit1NewVisit: 0 });

function count(t: Tally, picks: readonly string[], next: readonly string[], newVisit: boolean): void {
  const hit = next.includes(picks[0] ?? '') ? 1 : 0;
  t.steps++;
  t.hit1 += hit;
  t.hit3 += picks.slice(0, 3).some((g) => next.includes(g)) ? 1 : 0;
  if (newVisit) {
    t.newSteps++;
    t.hit1NewVisit += hit;
  }
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;
const summary = (t: Tally) => ({ hit1: r4(t.hit1 / t.steps), hit3: r4(t.hit3 / t.steps), hit1NewVisit: r4(t.hit1NewVisit / t.newSteps) });

function main(): void {
  const dir = arg('--data');
  const started = Date.now();
  const data = dir ? loadMovieLens(dir) : syntheticDataset();
  const { train, test } = split(data);
  const popular = rank(genreCounts(data, train));
  const segment = segmentPolicy(data, train);
  // Transitions and co-occurrence between genres, from training users only.
  const matrices = tagMatrices(train.map((u) => (data.ratings.get(u) ?? []).map((r) => data.items.get(r.item) ?? [])));
  const rows = trainingRows(data, train, Number(arg('--train-steps') ?? 1_000_000), matrices.links);
  const trained = fit(dir ? 'movielens-hero-1' : 'synthetic-hero-1', SLOT, data.genres.map((g) => ({ id: g, tags: [g] })), rows);
  const noise = Number(arg('--noise') ?? trained.explore.noise);
  // The hero must feature a genre in this protocol, so its default content never wins.
  const model: Model = { ...trained, ...matrices, explore: { ...trained.explore, noise }, holdout: 0 };
  (model.slots[SLOT] as Array<{ id: string; tags: string[]; bias?: number }>).unshift({ id: 'default', tags: [], bias: -20 });
  const out = arg('--out');
  if (out) writeFileSync(out, JSON.stringify({ ...model, holdout: trained.holdout }, null, 2) + '\n');
  const candidates = data.genres.map((g) => ({ id: g, tags: [g] }));
  const t = { popularity: tally(), segment: tally(), onetoone: tally() };
  for (const user of test) {
    const persona = data.users.get(user);
    if (!persona) continue;
    let step = 0;
    replay(data, user, persona, ({ snapshot, now, next, newVisit }) => {
      count(t.popularity, popular, next, newVisit);
      count(t.segment, segment(persona), next, newVisit);
      const hero = decideSlot(SLOT, [], snapshot, model, { now, visitor: `u${user}`, seed: step++ }).variant;
      const top3 = recommend(SLOT, candidates, snapshot, model, 3, { now }).map((r) => r.id);
      count(t.onetoone, [hero, ...top3.filter((g) => g !== hero)], next, newVisit);
    });
  }
  const result = {
    dataset: dir ? `movielens-format:${dir}` : 'synthetic (seed 7)',
    users: { train: train.length, test: test.length },
    steps: t.onetoone.steps,
    newVisitSteps: t.onetoone.newSteps,
    trainingRows: rows.length,
    model: { id: model.id, explore: model.explore, holdoutInBench: 0 },
    policies: { popularity: summary(t.popularity), segment: summary(t.segment), onetoone: summary(t.onetoone) },
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else console.log(JSON.stringify(result, null, 2));
}

main();
