/**
 * Opening storage: IndexedDB when it works, memory when it is missing,
 * stalled or throwing, so the page keeps working either way (see
 * {@link createResilientStore} for failures later on).
 */
import type { Profile } from '../core/profile.js';
import type { DebugLog } from '../debug/log.js';
import type { Connection } from './connection.js';
import { createIdbStore } from './idb-store.js';
import { createResilientStore } from './resilient-store.js';
import type { StartState, Store } from './store.js';
import { tabChannel } from './tabs.js';

/**
 * Opens the IndexedDB store `name` behind a resilient store; reports the mode in debug output.
 * `connection` is the first file's connection to the same database, reused (see `first/read.ts`);
 * `snapshot` makes every commit store the profile's decision snapshot too (see `createIdbStore`).
 */
export async function openStore(name: string, log: DebugLog, connection?: Connection, snapshot?: (profile: Profile) => unknown): Promise<Store> {
  const store = await createResilientStore(async () => {
    if (typeof indexedDB === 'undefined') throw new Error('no IndexedDB');
    // Stalls, reopens, version changes and wipes are counted; the open and every transaction are bounded (connection.ts).
    const idb = createIdbStore(name, (reason, detail) => log.count(reason, detail), undefined, connection, snapshot);
    // The read that proves IndexedDB works is the page's start read: it serves the first loadStart().
    let opened: Promise<StartState> | undefined = idb.loadStart();
    await opened;
    const loadStart = (): Promise<StartState> => {
      const start = opened ?? idb.loadStart();
      opened = undefined;
      return start;
    };
    return { ...idb, loadStart };
  }, log, tabChannel(name));
  log.info('storage: ' + store.mode);
  return store;
}
