/**
 * The pre-stage buffer's copy for a page being left (`first/buffer.ts`):
 * written to localStorage, because that is synchronous. A page being left
 * runs no further task, so an IndexedDB write it starts then is lost where
 * the connection is not open yet (Firefox's first open on a new profile can
 * take longer than a visitor stays) or where the engine aborts the
 * transaction with the document (Firefox). Same consent rule as the rest of
 * the buffer; the second stage takes it with the IndexedDB chunks, validates
 * it like any input, and `forget()` erases it.
 */
import { PENDING_LIMIT } from './setup.js';

const key = (database: string): string => 'o2o.pending.' + database;

/** Appends `entries` (JSON-safe calls) to the stored list, keeping the newest {@link PENDING_LIMIT}; throws when localStorage refuses. */
export function appendLocalPending(database: string, entries: readonly unknown[]): void {
  let stored: unknown;
  try {
    // None stored reads as null (JSON.parse of null), an array or anything else: no list, replaced.
    stored = JSON.parse(localStorage.getItem(key(database)) as string);
  } catch {
    // Unreadable: replaced.
  }
  localStorage.setItem(key(database), JSON.stringify((Array.isArray(stored) ? stored : []).concat(entries).slice(-PENDING_LIMIT)));
}

/** Removes and returns what pages left in localStorage (unchecked: the caller validates it); `[]` when none or unreadable. */
export function takeLocalPending(database: string): unknown[] {
  try {
    const text = localStorage.getItem(key(database));
    if (text === null) return [];
    localStorage.removeItem(key(database));
    const stored: unknown = JSON.parse(text);
    return Array.isArray(stored) ? stored : [stored];
  } catch {
    return [];
  }
}
