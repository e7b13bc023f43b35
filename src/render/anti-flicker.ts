/**
 * Anti-flicker per slot, never the whole page. Undecided slots are hidden
 * with `visibility` (which keeps their box, so hiding never shifts layout)
 * and a CSS animation reveals them after the timeout even when the SDK never
 * runs. The same rule is documented for the site's own stylesheet (see
 * docs/markup.md); the SDK adds it through a constructable stylesheet, which
 * a strict CSP (`style-src 'self'`) allows, unlike an inline `<style>`.
 */

/** The rule hiding undecided slots for at most `ms`. */
export function antiFlickerCss(ms: number): string {
  return `[data-o2o-slot]:not([data-o2o-state]){visibility:hidden;animation:o2o-reveal 0s ${ms}ms forwards}@keyframes o2o-reveal{to{visibility:visible}}`;
}

/** Whether the browser has painted anything yet. */
function painted(): boolean {
  return typeof performance.getEntriesByType === 'function' && performance.getEntriesByType('paint').length > 0;
}

/**
 * Whether swapping `element` now cannot be seen as a jump: it is hidden (by
 * our rule, before its timeout), nothing has been painted yet, or it is out of
 * the viewport. `fresh` marks elements that appeared in this task and so were
 * never painted.
 */
export function canSwap(element: Element, fresh: boolean): boolean {
  if (fresh || !painted() || getComputedStyle(element).visibility === 'hidden') return true;
  const box = element.getBoundingClientRect();
  return box.bottom <= 0 || box.top >= innerHeight;
}

/**
 * Why a slot was already on screen when the SDK could decide it:
 * `timeout` when the head rule (or the SDK's own) hid it and its
 * `antiFlickerMs` ran out, `no-head-rule` when nothing hid it before the
 * script ran (an `async` script after first paint without the documented rule).
 */
export type LateReason = 'timeout' | 'no-head-rule';

/** Reasons found when the SDK started, before its own rule applied (which would hide the evidence). */
const lateReasons = new WeakMap<Element, LateReason>();

/** Why `element` is on screen undecided; read while the rule still matches it. */
export function lateReason(element: Element): LateReason {
  return lateReasons.get(element) ?? (getComputedStyle(element).animationName.includes('o2o-reveal') ? 'timeout' : 'no-head-rule');
}

/**
 * Hides the page's undecided slots until decided. Slots the visitor can
 * already see with their default content are marked `visible` first and keep
 * it: hiding them now would be the very flicker this prevents.
 */
export function addAntiFlicker(doc: Document, ms: number, visibleState: string): void {
  doc.querySelectorAll('[data-o2o-slot]:not([data-o2o-state])').forEach((element) => {
    if (canSwap(element, false)) return;
    lateReasons.set(element, lateReason(element));
    element.setAttribute('data-o2o-state', visibleState);
  });
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(antiFlickerCss(ms));
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  } catch {
    // No constructable stylesheets: the documented head rule still applies.
  }
}
