/**
 * Benchmark data in the MovieLens 100K format: `u.data` (user, item, rating,
 * epoch seconds), `u.user` (id|age|gender|occupation|zip), `u.item` (id|…|19
 * genre flags). The data set's license forbids redistribution, so it is read
 * from where it lies and never copied into this repository. Without a
 * directory, a synthetic population in the same shape is generated.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from '../../src/core/random.js';

/** A visitor's persona as MovieLens describes users. */
export interface Persona {
  age: number;
  gender: string;
  occupation: string;
}

/** One rating, replayed as an item view. */
export interface Rating {
  item: number;
  /** Epoch seconds. */
  ts: number;
}

/** A data set ready to replay. */
export interface Dataset {
  genres: string[];
  /** Genre names of each movie. */
  items: Map<number, string[]>;
  users: Map<number, Persona>;
  /** Each user's ratings in timestamp order (ties keep file order). */
  ratings: Map<number, Rating[]>;
}

const GENRES = ['unknown', 'action', 'adventure', 'animation', 'childrens', 'comedy', 'crime', 'documentary', 'drama',
  'fantasy', 'film-noir', 'horror', 'musical', 'mystery', 'romance', 'sci-fi', 'thriller', 'war', 'western'];

const lines = (dir: string, file: string): string[] =>
  readFileSync(join(dir, file), 'latin1').split('\n').filter((l) => l.trim());

/** Reads a directory in the MovieLens 100K format. */
export function loadMovieLens(dir: string): Dataset {
  const items = new Map<number, string[]>();
  for (const line of lines(dir, 'u.item')) {
    const f = line.split('|');
    const flags = f.slice(-19);
    items.set(Number(f[0]), GENRES.filter((_, i) => flags[i] === '1'));
  }
  const users = new Map<number, Persona>();
  for (const line of lines(dir, 'u.user')) {
    const [id, age, gender, occupation] = line.split('|');
    users.set(Number(id), { age: Number(age), gender: gender ?? '', occupation: occupation ?? '' });
  }
  const ratings = new Map<number, Rating[]>();
  for (const line of lines(dir, 'u.data')) {
    const [user, item, , ts] = line.split('\t').map(Number);
    if (user === undefined || item === undefined || ts === undefined) continue;
    const list = ratings.get(user) ?? [];
    list.push({ item, ts });
    ratings.set(user, list);
  }
  for (const list of ratings.values()) list.sort((a, b) => a.ts - b.ts);
  return { genres: GENRES, items, users, ratings };
}


/**
 * A synthetic population: each visitor has an individual taste (a few
 * favourite genres), a weak pull from their persona, global genre popularity,
 * and browses in sittings separated by days, so session and long-term
 * signals both matter.
 */
export function syntheticDataset(seed = 7, userCount = 900, itemCount = 1500): Dataset {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const genres = GENRES.slice(1, 13);
  const popularity = genres.map((_, i) => 1 / (i + 1));
  const items = new Map<number, string[]>();
  for (let id = 1; id <= itemCount; id++) {
    const own = new Set([weighted(random, genres, popularity)]);
    if (random() < 0.5) own.add(pick(genres));
    items.set(id, [...own]);
  }
  const byGenre = new Map(genres.map((g) => [g, [...items].filter(([, gs]) => gs.includes(g)).map(([id]) => id)]));
  const occupations = ['student', 'engineer', 'educator', 'other', 'artist'];
  const users = new Map<number, Persona>();
  const ratings = new Map<number, Rating[]>();
  for (let id = 1; id <= userCount; id++) {
    const persona = { age: 15 + Math.floor(random() * 50), gender: random() < 0.5 ? 'M' : 'F', occupation: pick(occupations) };
    users.set(id, persona);
    // Weak demographic signal: the persona nudges one genre; the taste is mostly individual.
    const taste = genres.map((_, i) => popularity[i] as number * (0.2 + random() * random() * 6));
    const nudged = (persona.occupation.length + (persona.gender === 'M' ? 1 : 0)) % genres.length;
    taste[nudged] = (taste[nudged] ?? 0) + 0.3;
    const list: Rating[] = [];
    let ts = 880_000_000 + Math.floor(random() * 5_000_000);
    const sittings = 2 + Math.floor(random() * 6);
    for (let s = 0; s < sittings; s++) {
      const mood = weighted(random, genres, taste);
      const length = 3 + Math.floor(random() * 15);
      for (let i = 0; i < length; i++) {
        const genre = random() < 0.35 ? mood : weighted(random, genres, taste);
        list.push({ item: pick(byGenre.get(genre) ?? [1]), ts });
        ts += 10 + Math.floor(random() * 120);
      }
      ts += 86_400 * (1 + Math.floor(random() * 20));
    }
    ratings.set(id, list);
  }
  return { genres, items, users, ratings };
}

function weighted(random: () => number, values: readonly string[], weights: readonly number[]): string {
  let total = 0;
  for (const w of weights) total += w;
  let r = random() * total;
  for (let i = 0; i < values.length; i++) {
    r -= weights[i] as number;
    if (r <= 0) return values[i] as string;
  }
  return values[values.length - 1] as string;
}
