/**
 * Recommendations: rank catalog items for this visitor, leave out what they
 * already bought, and keep the top few diverse — each pick discounts items
 * whose tags are already covered, so three picks do not repeat one taste.
 */
import { learned, slotFeedback } from './bandit.js';
import type { DecideOptions } from './decide.js';
import type { Item } from './events.js';
import { type Candidate, candidateFeatures, visitorFeatures } from './features.js';
import { type Model, logit, satisfies } from './model.js';
import type { ProfileView } from './view.js';

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
 * The `n` best items for this visitor, diverse.
 * @param diversity - logit discount for an item whose tags are all covered by earlier picks.
 */
export function recommend(
  slot: string, items: readonly Candidate[], view: ProfileView, model: Model, n: number,
  options: DecideOptions = {}, diversity = 1,
): Recommendation[] {
  const visitor = options.features ?? visitorFeatures(view, options.context, model.segments);
  const declared = model.slots[slot] ?? [];
  const feedback = slotFeedback(view, slot);
  const pool: Array<Recommendation & { tags: readonly string[] }> = [];
  for (const item of items) {
    if (view.number('i.p.' + item.id)) continue;
    const entry = { ...declared.find((d) => d.id === item.id), id: item.id, tags: [...item.tags] };
    if (!satisfies(entry.eligibility, visitor)) continue;
    const z = logit(model, entry, visitor, candidateFeatures(view, item).features) + learned(model, feedback, item.id, '').mean;
    pool.push({ id: item.id, score: z, tags: item.tags });
  }
  const covered = new Set<string>();
  const picks: Recommendation[] = [];
  while (picks.length < n && pool.length) {
    let best = 0;
    let bestValue = -Infinity;
    pool.forEach((item, i) => {
      const overlap = item.tags.length ? item.tags.filter((t) => covered.has(t)).length / item.tags.length : 0;
      const value = item.score - diversity * overlap;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    });
    const [pick] = pool.splice(best, 1);
    if (!pick) break;
    pick.tags.forEach((t) => covered.add(t));
    picks.push({ id: pick.id, score: pick.score });
  }
  return picks;
}
