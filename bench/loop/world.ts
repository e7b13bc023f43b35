/**
 * The simulated site and its visitors. Each visitor has hidden individual
 * preferences (a mixture of personas plus individual variation), a device
 * (mobile or desktop), habits (time of day) and sometimes arrives from a
 * campaign. The true chance of a click on what a slot shows, and of a
 * purchase after it, follows from these hidden values: the model only ever
 * sees what the SDK collects from the visitor's behaviour.
 */
import { prng } from '../../src/core/random.js';

/** Product categories; each hero candidate features one. */
export const CATEGORIES = ['running', 'camping', 'fashion', 'kids', 'electronics'] as const;
export type Category = (typeof CATEGORIES)[number];

/** The two slots the simulated pages personalize and their candidates (markup: id and tags). */
export const SLOTS: Record<string, Array<{ id: string; tags: string[] }>> = {
  hero: CATEGORIES.map((c) => ({ id: c, tags: [c] })),
  banner: [{ id: 'app', tags: ['app'] }, { id: 'shipping', tags: ['shipping'] }, { id: 'newsletter', tags: ['newsletter'] }],
};

/** Personas: shares of interest per category. */
const PERSONAS: number[][] = [
  [0.6, 0.15, 0.15, 0.05, 0.05], // runner
  [0.15, 0.6, 0.05, 0.1, 0.1], // camper
  [0.1, 0.05, 0.65, 0.1, 0.1], // fashion
  [0.05, 0.15, 0.15, 0.55, 0.1], // parent
  [0.1, 0.05, 0.1, 0.05, 0.7], // gadgets
];

/** One hidden visitor. */
export interface Visitor {
  id: string;
  /** True interest per category (sums to 1). */
  taste: number[];
  mobile: boolean;
  /** Usual local hour of visits. */
  hour: number;
  /** Arrives from the summer campaign. */
  campaign: boolean;
  /** Chance of visiting on a given day. */
  frequency: number;
  /** Chance of buying after a click (individual). */
  buyer: number;
}

/** Gamma(shape, 1) sample (Marsaglia–Tsang; shape ≥ 1 here). */
function gamma(random: () => number, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Standard normal sample. */
export function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Makes `count` visitors from a seed. */
export function population(count: number, seed: number, prefix = 'v'): Visitor[] {
  const random = prng(seed);
  return Array.from({ length: count }, (_, i) => {
    // A mixture of two personas, then Dirichlet-like individual variation around it.
    const a = PERSONAS[Math.floor(random() * PERSONAS.length)] as number[];
    const b = PERSONAS[Math.floor(random() * PERSONAS.length)] as number[];
    const mix = 0.5 + 0.5 * random();
    const raw = a.map((x, k) => gamma(random, 1 + 20 * (mix * x + (1 - mix) * (b[k] as number))));
    const total = raw.reduce((s, x) => s + x, 0);
    return {
      id: `${prefix}${seed.toString(36)}x${i.toString(36)}`,
      taste: raw.map((x) => x / total),
      mobile: random() < 0.55,
      hour: Math.floor(random() < 0.5 ? 8 + 10 * random() : 18 + 5 * random()),
      campaign: random() < 0.2,
      frequency: 0.15 + 0.4 * random(),
      buyer: 0.15 + 0.3 * random(),
    };
  });
}

/** The moment of a page view, as the true response sees it. */
export interface Moment {
  evening: boolean;
  campaign: boolean;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** True chance that `visitor` clicks `variant` of `slot` at this moment. */
export function clickChance(visitor: Visitor, slot: string, variant: string, moment: Moment): number {
  if (slot === 'hero') {
    if (variant === 'default') return sigmoid(-3.0);
    const k = CATEGORIES.indexOf(variant as Category);
    let z = -3.4 + 6 * (visitor.taste[k] ?? 0);
    if (variant === 'electronics' && visitor.mobile) z += 0.4;
    if (variant === 'camping' && moment.evening) z += 0.4;
    if (moment.campaign && (variant === 'running' || variant === 'camping')) z += 0.5;
    return sigmoid(z);
  }
  if (variant === 'default') return sigmoid(-3.2);
  if (variant === 'app') return sigmoid(visitor.mobile ? -2.0 : -3.6);
  if (variant === 'shipping') return sigmoid(visitor.buyer > 0.3 ? -2.3 : -3.1);
  return sigmoid(moment.evening ? -3.4 : -2.7);
}

/** True chance of a purchase after a click on `variant` (hero: more when it fits the taste). */
export function buyChance(visitor: Visitor, slot: string, variant: string): number {
  if (slot !== 'hero' || variant === 'default') return 0.15 * visitor.buyer;
  const k = CATEGORIES.indexOf(variant as Category);
  return Math.min(0.95, 0.3 * visitor.buyer * (0.5 + 2 * (visitor.taste[k] ?? 0)));
}

/** Price of an item of a category. */
export function price(category: Category, random: () => number): number {
  const base = { running: 90, camping: 140, fashion: 60, kids: 35, electronics: 220 }[category];
  return Math.round(base * (0.6 + 0.8 * random()));
}

/** A category drawn from the visitor's taste. */
export function browse(visitor: Visitor, random: () => number): Category {
  let u = random();
  for (let k = 0; k < CATEGORIES.length; k++) {
    u -= visitor.taste[k] as number;
    if (u < 0) return CATEGORIES[k] as Category;
  }
  return CATEGORIES[CATEGORIES.length - 1] as Category;
}
