/**
 * The catalog a recommendations slot ranks: items declared in markup inside
 * `<div data-o2o-recommend="slotName">` (each a `data-o2o-item` element), plus
 * the model's declared candidates for that slot (the JSON feed). Markup is
 * untrusted: items go through the same cleaning as tracked items.
 */
import { cleanItem } from '../core/events.js';
import type { Candidate } from '../core/features.js';
import { type Model, slotCandidates } from '../core/model.js';
import { itemTags } from '../core/recommend.js';
import { readItem } from '../collect/item.js';

/** Items a page and the model offer for `slot`, once each (markup first). */
export function catalogItems(doc: Document, slot: string, model: Model): Candidate[] {
  const out = new Map<string, Candidate>();
  doc.querySelectorAll('[data-o2o-recommend]').forEach((box) => {
    if (box.getAttribute('data-o2o-recommend') !== slot) return;
    box.querySelectorAll('[data-o2o-item]').forEach((element) => {
      const item = cleanItem(readItem(element));
      if (item && !out.has(item.id)) out.set(item.id, { id: item.id, tags: itemTags(item) });
    });
  });
  for (const c of slotCandidates(model, slot) ?? []) if (!out.has(c.id) && c.id !== 'default') out.set(c.id, c);
  return [...out.values()];
}
