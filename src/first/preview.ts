/**
 * The QA preview read at start: `?o2o_preview=` forces variants for this page
 * and is remembered with the visitor's state; without it, the remembered one
 * applies. Read before the first decision, since it changes it.
 */
import type { DebugLog } from '../debug/log.js';
import { parsePreview, previewParam } from '../render/preview.js';

/**
 * The forced variant per slot for this page view. This URL's preview is handed to `remember` (stored
 * with the visitor's state when there is storage; `undefined` forgets it), not awaited: the decision does not wait for the write.
 */
export function readPreview(remember: ((spec: string | undefined) => Promise<unknown>) | undefined, log: DebugLog, search: string, remembered: unknown): Map<string, string> {
  const param = previewParam(search);
  if (param !== null) void remember?.(param || undefined).catch((error: unknown) => log.count('preview:not-saved', error));
  const preview = parsePreview(param ?? remembered);
  preview.forEach((variant, slot) => log.info(`preview: ${slot} forced to ${variant}`));
  return preview;
}
