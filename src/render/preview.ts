/**
 * Preview for QA: `?o2o_preview=hero:running` (several as
 * `hero:running,promo:b`) forces variants in this browser until
 * `?o2o_preview=off`. The choice is remembered with the visitor's state (read
 * by the page's one start read, so no synchronous storage is touched on the
 * way to the first decision) and so survives navigation; before consent it
 * lasts for the page that carries it. Ids are validated like markup ids and
 * never rendered as markup.
 */
import { VARIANT_ID } from './slots.js';

const PARAM = 'o2o_preview';

/** What this page's URL says: a preview spec, `''` to turn previews off, or `null` when it says nothing. */
export function previewParam(search: string): string | null {
  if (!search.includes(PARAM)) return null;
  const raw = new URLSearchParams(search).get(PARAM);
  return raw === 'off' ? '' : raw;
}

/** Parses a preview spec into forced variants (slot → variant), ignoring malformed pairs. */
export function parsePreview(raw: unknown): Map<string, string> {
  const forced = new Map<string, string>();
  for (const pair of (typeof raw === 'string' ? raw : '').split(',')) {
    const [slot = '', variant = ''] = pair.split(':');
    if (VARIANT_ID.test(slot) && VARIANT_ID.test(variant)) forced.set(slot, variant);
  }
  return forced;
}
