/**
 * Slots declared in markup:
 *
 * ```html
 * <div data-o2o-slot="hero">default content
 *   <template data-o2o-variant="running" data-o2o-tags="running,trail">…</template>
 * </div>
 * ```
 *
 * Variants are inert `<template>` content written by the site owner; showing one
 * moves a clone of it into the slot, so nothing is parsed from strings.
 */
import type { Candidate } from '../core/features.js';
import { DEFAULT_VARIANT } from '../core/decide.js';

/** A slot found in the page. */
export interface PageSlot {
  name: string;
  element: HTMLElement;
  candidates: Candidate[];
}

/** Well-formed slot and variant ids. */
export const VARIANT_ID = /^[\w-]{1,64}$/;

function variantTemplates(element: HTMLElement): HTMLTemplateElement[] {
  return Array.from(element.children).filter(
    (child): child is HTMLTemplateElement => child instanceof HTMLTemplateElement && child.hasAttribute('data-o2o-variant'),
  );
}

/** Reads a slot element's candidates from its templates; ids must be unique and well formed. */
export function readSlot(element: HTMLElement): PageSlot | undefined {
  const name = element.getAttribute('data-o2o-slot') ?? '';
  if (!VARIANT_ID.test(name)) return undefined;
  const candidates: Candidate[] = [];
  for (const template of variantTemplates(element)) {
    const id = template.getAttribute('data-o2o-variant') ?? '';
    if (!VARIANT_ID.test(id) || id === DEFAULT_VARIANT || candidates.some((c) => c.id === id)) continue;
    const tags = (template.getAttribute('data-o2o-tags') ?? '').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
    candidates.push({ id, tags });
  }
  return { name, element, candidates };
}

/** Selects slots not yet decided: unmarked, or {@link LATE} ones still to be attributed. */
export const UNDECIDED = '[data-o2o-slot]:not([data-o2o-state=decided])';

/** State of a slot already seen with its default content before a decision; it keeps the default. */
export const LATE = 'late';

/** Finds undecided slots under `root`, including `root` itself. */
export function findSlots(root: ParentNode): PageSlot[] {
  const elements = Array.from(root.querySelectorAll<HTMLElement>(UNDECIDED));
  if (root instanceof HTMLElement && root.matches(UNDECIDED)) elements.unshift(root);
  const slots: PageSlot[] = [];
  for (const element of elements) {
    const slot = readSlot(element);
    if (slot) slots.push(slot);
  }
  return slots;
}

/** Shows a variant in its slot (or keeps the default) and marks the slot decided. */
export function showVariant(slot: PageSlot, variant: string): void {
  const template = variantTemplates(slot.element).find((t) => t.getAttribute('data-o2o-variant') === variant);
  if (template && variant !== DEFAULT_VARIANT) {
    for (const child of Array.from(slot.element.childNodes)) {
      if (!(child instanceof HTMLTemplateElement)) child.remove();
    }
    slot.element.insertBefore(template.content.cloneNode(true), slot.element.firstChild);
  }
  slot.element.setAttribute('data-o2o-state', 'decided');
  slot.element.setAttribute('data-o2o-shown', template ? variant : DEFAULT_VARIANT);
}
