/**
 * Search terms: from the configured query parameter on page load and SPA
 * routes, or from a search form submitted without changing the URL. The one
 * form value OneToOne reads: e-mail-like words are masked.
 */
import type { RawEvent } from './types.js';

/** Normalizes a search term: trimmed, lower-case, capped at 100 characters, e-mail addresses masked; `undefined` when empty. */
export function searchTerm(value: unknown): string | undefined {
  return (typeof value === 'string' && value.trim().toLowerCase().replace(/\S+@\S+/g, '[email]').slice(0, 100)) || undefined;
}

/** A `search` event for a term, or `undefined` when there is no term. */
export function searchEvent(value: unknown): RawEvent | undefined {
  const term = searchTerm(value);
  return term ? { name: 'search', props: { term } } : undefined;
}

/** The search in the URL's `param`, if any. */
export const urlSearch = (loc: Location, param: string): RawEvent | undefined => searchEvent(new URLSearchParams(loc.search).get(param));

/**
 * The search a submitted form carries: its `type=search` input or the input
 * named `param`, unless a GET form will put that term in the next URL (then
 * the URL is read instead, so the term counts once).
 */
export function formSearch(form: HTMLFormElement, param: string): RawEvent | undefined {
  const input = form.querySelector<HTMLInputElement>(`input[type=search],input[name="${param}"]`);
  // A form without a method is a GET form.
  return input && (input.getAttribute('name') !== param || !/^get$/i.test(form.getAttribute('method') ?? 'get')) ? searchEvent(input.value) : undefined;
}
