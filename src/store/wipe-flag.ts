/**
 * Telling a wiped database from a new visitor. A flag in localStorage records
 * that this browser created the database before; a page that has to create
 * it again while the flag is there counts `storage:wiped`: IndexedDB was
 * cleared between visits. It is an ordinary new start, not an error. A
 * browser that clears all script-writable storage (Safari after 7 days
 * without a visit) clears the flag too: that visitor is simply new.
 *
 * Second stage only (src/second/sync-start.ts): nothing here is needed for a
 * page's first decision, and only a page that created the database touches
 * localStorage, so returning visitors' pages pay no synchronous Web Storage
 * access for it.
 */
import type { DebugLog } from '../debug/log.js';

/** The flag's key; its value carries no visitor data. */
const flag = (database: string): string => 'o2o.db.' + database;

/** Called when this page created database `database`: counts a wipe if an earlier page had created it, and sets the flag. */
export function noticeWipe(database: string, log: DebugLog): void {
  try {
    if (localStorage.getItem(flag(database))) log.count('storage:wiped');
    localStorage.setItem(flag(database), '1');
  } catch {
    // No localStorage (private modes, sandboxed frames): a wipe goes uncounted.
  }
}

/** Removes the flag (`forget()`: nothing of this visitor stays behind). */
export function forgetWipeFlag(database: string): void {
  try {
    localStorage.removeItem(flag(database));
  } catch {
    // Nothing to remove.
  }
}
