/**
 * Rendering markup slots: the page's slots once the profile is loaded, and
 * every slot that appears later (single-page apps, lazy sections) as soon as
 * it is inserted, from a MutationObserver whose callback runs before the next
 * paint. A slot is decided once per element; a framework re-rendering its
 * content is left alone, and a re-created slot element gets the same
 * decision, so we never fight the framework.
 */
import { type Decision, DEFAULT_VARIANT } from '../core/decide.js';
import type { DebugLog } from '../debug/log.js';
import { canSwap, lateReason } from './anti-flicker.js';
import { LATE, type PageSlot, findSlots, showVariant } from './slots.js';

/** What slot rendering needs from the client. */
export interface SlotHost {
  /** The decision for a slot (the same one for every element of that slot on this page). */
  decide(slot: PageSlot): Decision;
  /**
   * Called with what was actually shown, and where: the caller watches the element for impressions and
   * clicks (`render/feedback.ts`; before the script tag's second stage, `first/slot-clicks.ts`).
   */
  shown(decision: Decision, element: HTMLElement): void;
  /** Counts a slot that was on screen before it could be decided (it keeps its default), and tells the owner once. */
  log: DebugLog;
}

function render(root: ParentNode, fresh: boolean, host: SlotHost): void {
  for (const slot of findSlots(root)) {
    let decision = host.decide(slot);
    // A default the visitor may already have seen stays: no jump after paint.
    if (slot.element.getAttribute('data-o2o-state') === LATE || !canSwap(slot.element, fresh)) {
      const reason = lateReason(slot.element);
      // The debug panel puts `late` into words (src/debug/panel.tsx); the words stay out of the first file.
      decision = { ...decision, variant: DEFAULT_VARIANT, explanation: [{ feature: 'late', value: 0, text: 'late: ' + reason }] };
      const counted = 'slot:late-' + reason;
      host.log.count(counted, slot.name);
      // Once per page: the owner needs the fix, not a line per slot.
      if (reason === 'no-head-rule' && host.log.counters[counted] === 1) {
        host.log.info(`slot "${slot.name}" was shown before OneToOne ran and keeps its default: Add the head rule (onetoone.css, docs/markup.md)`);
      }
    }
    showVariant(slot, decision.variant);
    host.shown(decision, slot.element);
  }
}

/** Renders the slots in `doc` now and whenever new ones are inserted. */
export function renderSlots(doc: Document, host: SlotHost): void {
  render(doc, false, host);
  new MutationObserver((records) => {
    for (const record of records) record.addedNodes.forEach((node) => node instanceof HTMLElement && render(node, true, host));
  }).observe(doc.documentElement, { childList: true, subtree: true });
}
