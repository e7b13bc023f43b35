/**
 * Preview for QA: `?o2o_preview=hero:running` (several as
 * `hero:running,promo:b`) forces variants in this browser until
 * `?o2o_preview=off`. Remembered in `localStorage` so a QA session survives
 * navigation; ids are validated like markup ids and never rendered as markup.
 */
import { VARIANT_ID } from './slots.js';

const KEY = 'o2o_preview';

/** Reads the forced variants (slot → variant) from `search` or from what this browser remembers. */
export function readPreview(search: string): Map<string, string> {
  const forced = new Map<string, string>();
  let raw: string | null = null;
  try {
    raw = new URLSearchParams(search).get(KEY);
    if (raw === 'off' || raw === '') localStorage.removeItem(KEY);
    else if (raw) localStorage.setItem(KEY, raw);
    else raw = localStorage.getItem(KEY);
  } catch {
    // Storage blocked: the URL alone still previews this page.
  }
  for (const pair of (raw ?? '').split(',')) {
    const [slot = '', variant = ''] = pair.split(':');
    if (VARIANT_ID.test(slot) && VARIANT_ID.test(variant)) forced.set(slot, variant);
  }
  return forced;
}
