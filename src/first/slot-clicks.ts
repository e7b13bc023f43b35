/**
 * Slot clicks before the second stage. The stage watches decided slots for
 * impressions and clicks (`render/feedback.ts`, which holds a followed link
 * until its record is stored); the first file carries only this: the first
 * click on a decided slot, recorded into the pre-stage buffer by the caller,
 * which writes it at once (synchronously, to localStorage), so a link
 * followed at once loses nothing without being held. When the stage arrives
 * it takes every watched slot over (`Handoff.slots`), without the click
 * listener of a slot already clicked: still only the first click counts.
 */
import type { Decision } from '../core/decide.js';

/** A decided slot element watched before the stage: its decision, its click listener, and whether it was clicked. */
export type EarlySlot = [element: HTMLElement, decision: Decision, click: () => void, clicked?: boolean];

/** Watches `element`'s first click, which calls `record`; returns the entry the stage takes over. */
export function watchEarlyClick(element: HTMLElement, decision: Decision, record: () => void): EarlySlot {
  const slot: EarlySlot = [
    element,
    decision,
    () => {
      slot[3] = true;
      record();
    },
  ];
  element.addEventListener('click', slot[2], { once: true });
  return slot;
}
