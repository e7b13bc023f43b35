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
import type { Item } from '../../../../src/core/events.js';
import { hasOwn } from '../../../../src/core/field.js';
import { type Candidate, candidateFeatures, visitorFeatures } from './features.js';
import { type Model, type TagMatrix, logit, satisfies, sigmoid, slotCandidates } from '../../../../src/core/model.js';
import type { ProfileView } from '../../../../src/core/view.js';

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
  slot: string, items: readonly Candidate[], view: ProfileView, model: Model, n: number,
  options: DecideOptions = {}, diversity = 1,
): Recommendation[] {
  const visitor = options.features ?? visitorFeatures(view, options.context, model.segments);
  const declared = slotCandidates(model, slot) ?? [];
  const feedback = slotFeedback(view, slot);
  const pool: Array<Recommendation & { tags: readonly string[]; chance: number }> = [];
  for (const item of items) {
    if (view.number('i.p.' + item.id)) continue;
    const entry = { ...declared.find((d) => d.id === item.id), id: item.id, tags: [...item.tags] };
    if (!satisfies(entry.eligibility, visitor)) continue;
    const z = logit(model, entry, visitor, candidateFeatures(view, item, model.links).features) + learned(model, feedback, item.id, '').mean;
    pool.push({ id: item.id, score: z, tags: item.tags, chance: sigmoid(z) });
  }
  const picks: Array<Recommendation & { tags: readonly string[] }> = [];
  while (picks.length < n && pool.length) {
    let best = 0;
    let bestValue = -Infinity;
    pool.forEach((item, i) => {
      let value = item.chance;
      for (const pick of picks) value *= Math.max(0, 1 - diversity * overlap(item.tags, pick.tags, model.cooccur ?? {}));
      // Ties (everything covered) fall back to the score.
      value += item.chance * 1e-9;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    });
    const [pick] = pool.splice(best, 1);
    if (!pick) break;
    picks.push(pick);
  }
  return picks.map(({ id, score }) => ({ id, score }));
}
