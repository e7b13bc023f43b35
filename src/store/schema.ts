/**
 * The stored layout's version and its migrations. Version 1 is the
 * foundation's layout, which had no marker; every open brings older data up to
 * {@link STORE_SCHEMA} in one read-write transaction before anything else runs
 * (a failed step aborts it and leaves the data as it was). Data written by a
 * newer SDK is never touched: opening fails and the page runs in memory.
 */
import type { UseStore } from 'idb-keyval';
import { isDelta } from '../core/merge.js';

/** Current schema version of the `kv` store. */
export const STORE_SCHEMA = 3;
/** Key of the schema marker. */
export const SCHEMA = 'schema';

/**
 * 1 → 2: the sender resends the queue until acknowledged, so a malformed entry
 * would block it forever: keep only valid deltas. Rebuild a lost log pointer
 * from the event keys so the ring keeps its bound. (2 → 3 has no step: the
 * event log stores one array per commit, and a version-2 entry, one event,
 * reads as a chunk of one, so nothing is rewritten. The bump keeps an older
 * SDK from reading chunks as events.)
 */
function fromVersion1(store: IDBObjectStore): void {
  const queue = store.get('queue');
  queue.onsuccess = () => {
    if (queue.result !== undefined) store.put(Array.isArray(queue.result) ? queue.result.filter(isDelta) : [], 'queue');
  };
  const pointer = store.get('log');
  const keys = store.getAllKeys(IDBKeyRange.bound(['e', 0], ['e', Infinity]));
  keys.onsuccess = () => {
    if (typeof pointer.result === 'number') return;
    const last = keys.result[keys.result.length - 1] as [string, number] | undefined;
    store.put(last ? last[1] + 1 : 0, 'log');
  };
}

/** Brings the store to {@link STORE_SCHEMA}; rejects when the data is newer than this SDK. */
export function migrate(db: UseStore): Promise<void> {
  return db('readwrite', (store) =>
    new Promise<void>((resolve, reject) => {
      const request = store.get(SCHEMA);
      request.onsuccess = () => {
        const version = typeof request.result === 'number' ? request.result : 1;
        if (version > STORE_SCHEMA) return reject(new Error(`stored schema ${version} is newer than ${STORE_SCHEMA}`));
        if (version === STORE_SCHEMA) return resolve();
        if (version < 2) fromVersion1(store);
        store.put(STORE_SCHEMA, SCHEMA);
        // Resolves once the transaction commits; a failed step aborts it and rejects with the transaction's error.
        store.transaction.oncomplete = () => resolve();
        store.transaction.onabort = () => reject(store.transaction.error);
      };
    }),
  );
}
