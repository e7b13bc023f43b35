/**
 * Opening storage: IndexedDB when it works, memory when it is missing,
 * blocked or throwing, so the page keeps working either way (see
 * {@link createResilientStore} for failures later on).
 */
import type { DebugLog } from '../debug/log.js';
import { createIdbStore } from './idb-store.js';
import { createResilientStore } from './resilient-store.js';
import type { StartState, Store } from './store.js';
import { tabChannel } from './tabs.js';

/** How long opening IndexedDB may take before memory is used instead (a blocked upgrade never settles). */
const OPEN_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

/** Opens the IndexedDB store `name` behind a resilient store; reports the mode in debug output. */
export async function openStore(name: string, log: DebugLog): Promise<Store> {
  const store = await createResilientStore(async () => {
    if (typeof indexedDB === 'undefined') throw new Error('no IndexedDB');
    const idb = createIdbStore(name);
    // The read that proves IndexedDB works is the page's start read: it serves the first loadStart().
    let opened: StartState | undefined = await withTimeout(idb.loadStart(), OPEN_TIMEOUT_MS);
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
