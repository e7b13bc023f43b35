/**
 * Opening storage: IndexedDB when it works, memory when it is missing,
 * stalled or throwing, so the page keeps working either way (see
 * {@link createResilientStore} for failures later on).
 */
import type { DebugLog } from '../debug/log.js';
import { createIdbStore } from './idb-store.js';
import { createResilientStore } from './resilient-store.js';
import type { StartState, Store } from './store.js';
import { tabChannel } from './tabs.js';

/** The localStorage flag saying this browser had created the database before; no visitor data. */
const wipeFlag = (name: string): string => 'o2o.db.' + name;

/**
 * Counts `storage:wiped` when this page had to create the database although an
 * earlier page had created it (the flag says so): IndexedDB was cleared
 * between visits. It is an ordinary new start, not an error. Only a page that
 * creates the database touches localStorage, so returning visitors' pages pay
 * no synchronous Web Storage access for this. A browser that clears all
 * script-writable storage (Safari after 7 days without a visit) clears the
 * flag too: that visitor is simply new.
 */
function noticeWipe(name: string, start: StartState, log: DebugLog): void {
  if (!start.created) return;
  try {
    if (localStorage.getItem(wipeFlag(name))) log.count('storage:wiped');
    localStorage.setItem(wipeFlag(name), '1');
  } catch {
    // No localStorage (private modes, sandboxed frames): a wipe goes uncounted.
  }
}

/** Removes the flag {@link noticeWipe} keeps (`forget()`: nothing of this visitor stays behind). */
export function forgetWipeFlag(name: string): void {
  try {
    localStorage.removeItem(wipeFlag(name));
  } catch {
    // Nothing to remove.
  }
}

/** Opens the IndexedDB store `name` behind a resilient store; reports the mode in debug output. */
export async function openStore(name: string, log: DebugLog): Promise<Store> {
  const store = await createResilientStore(async () => {
    if (typeof indexedDB === 'undefined') throw new Error('no IndexedDB');
    // Stalls, reopens, version changes and wipes are counted; the open and every transaction are bounded (connection.ts).
    const idb = createIdbStore(name, (reason, detail) => log.count(reason, detail));
    // The read that proves IndexedDB works is the page's start read: it serves the first loadStart().
    let opened: StartState | undefined = await idb.loadStart();
    noticeWipe(name, opened, log);
    const loadStart = (): Promise<StartState> => {
      const start = opened;
      opened = undefined;
      return start ? Promise.resolve(start) : idb.loadStart();
    };
    return { ...idb, loadStart };
  }, log, tabChannel(name));
  log.info('storage: ' + store.mode);
  return store;
}
