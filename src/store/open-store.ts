/**
 * Opening storage: IndexedDB when it works, memory when it is missing,
 * blocked or throwing, so the page keeps working either way.
 */
import type { DebugLog } from '../debug/log.js';
import { createIdbStore } from './idb-store.js';
import { createMemoryStore } from './memory-store.js';
import type { Store } from './store.js';

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

/** Opens the IndexedDB store `name`, or a memory store when IndexedDB fails. */
export async function openStore(name: string, log: DebugLog): Promise<Store> {
  if (typeof indexedDB === 'undefined') {
    log.count('storage:no-indexeddb');
    return createMemoryStore();
  }
  try {
    const store = createIdbStore(name);
    await withTimeout(store.deviceId(), OPEN_TIMEOUT_MS);
    log.info('storage: indexeddb');
    return store;
  } catch (error) {
    log.count('storage:fallback-memory', error);
    return createMemoryStore();
  }
}
