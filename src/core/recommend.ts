/**
 * Recommendations: rank catalog items for this visitor, leave out what they
 * already bought, and keep the top few diverse. Picks are greedy on the chance
 * that at least one fits: each next pick maximizes its own chance times the
 * chance that it is not already covered by earlier picks, estimated from the
 * model's tag co-occurrence (`cooccur`) — a Romance pick adds little to a Drama
 * one when most romances are dramas. Without it, shared tags count as covered.
 */
import { learned, slotFeedback } from './bandit.js';
import type { DecideOptions } from './decide.js';
import type { Item } from './events.js';
import { hasOwn } from './field.js';
import { type Candidate, candidateFeatures, sharedVisitorFeatures } from './features.js';
import { type Model, type TagMatrix, slotCandidates } from './model-shape.js';
import { satisfies } from './rule.js';
import { logit, sigmoid } from './score.js';
import { type DecisionSnapshot, snapshotNumber } from './snapshot.js';

/** One recommended item with its score before the diversity discount. */
export interface Recommendation {
  id: string;
  /** Logit of the item's modelled fit. */
  score: number;
}

/** Tags of a catalog item as candidates use them: `cat:…`, `brand:…`, `tag:…`. */
export function itemTags(item: Item): string[] {
  const tags = (item.tags ?? []).map((t) => 'tag:' + t);
  if (item.category) tags.push('cat:' + item.category);
  if (item.brand) tags.push('brand:' + item.brand);
  return tags;
}

/**
 * How much of `item`'s chance an earlier pick already covers: over the item's
 * tags, the average of the largest share of items with that tag that also have one of the pick's.
 */
function overlap(item: readonly string[], pick: readonly string[], cooccur: TagMatrix): number {
  let sum = 0;
  for (const t of item) {
    const row = hasOwn(cooccur, t) ? cooccur[t] : undefined;
    sum += Math.max(0, ...pick.map((u) => (t === u ? 1 : row?.[u] ?? 0)));
  }
  return item.length ? sum / item.length : 0;
}

/**
 * The `n` best items for this visitor, diverse.
 * @param diversity - share (0–1) of the estimated overlap with earlier picks that discounts an item; 0 ranks by score alone.
 */
export function recommend(
  slot: string, items: readonly Candidate[], snapshot: DecisionSnapshot, model: Model, n: number,
  options: DecideOptions = {}, diversity = 1,
): Recommendation[] {
  const now = options.now ?? snapshot.at;
  const visitor = options.features ?? sharedVisitorFeatures(snapshot, now, options.context, model.segments);
  const declared = slotCandidates(model, slot) ?? [];
  const feedback = slotFeedback(snapshot, slot);
  /** Each eligible item: what is returned, its tags, and its modelled chance. */
  const pool: Array<[Recommendation, readonly string[], number]> = [];
  for (const item of items) {
    if (snapshotNumber(snapshot, 'i.p.' + item.id)) continue;
    const entry = { ...declared.find((d) => d.id === item.id), id: item.id, tags: [...item.tags] };
    if (!satisfies(entry.eligibility, visitor)) continue;
    const z = logit(model, entry, visitor, candidateFeatures(snapshot, now, item, model.links).features) + learned(model, feedback, item.id, '').mean;
    pool.push([{ id: item.id, score: z }, item.tags, sigmoid(z)]);
  }
  const picks: Array<[Recommendation, readonly string[], number]> = [];
  while (picks.length < n && pool.length) {
    let best = 0;
    let bestValue = -Infinity;
    pool.forEach(([, tags, chance], i) => {
      let value = chance;
      for (const pick of picks) value *= Math.max(0, 1 - diversity * overlap(tags, pick[1], model.cooccur ?? {}));
      // Ties (everything covered) fall back to the score.
      value += chance * 1e-9;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    });
    picks.push(...pool.splice(best, 1));
  }
  return picks.map(([pick]) => pick);
}
