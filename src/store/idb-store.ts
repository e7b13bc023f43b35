/**
 * The IndexedDB store, through idb-keyval's `createStore`. Every commit is a
 * single read-write transaction over the profile, the queue and the event
 * log, so tabs sharing the database never lose each other's updates.
 */
import { type UseStore, createStore, promisifyRequest } from 'idb-keyval';
import type { TrackedEvent } from '../core/events.js';
import type { Delta } from '../core/merge.js';
import { migrating } from './schema.js';
import { type CommitResult, STORE_LIMITS, foldEvents, migrateProfile, removeAcknowledged } from './state.js';
import { type Store, randomId } from './store.js';

const PROFILE = 'profile';
const QUEUE = 'queue';
const DEVICE = 'device';
/** Next event-log index; events live under `['e', index]`. */
const LOG_NEXT = 'log';

/** Runs `body` in one transaction and resolves with its result once the transaction commits. */
function transact<T>(db: UseStore, mode: IDBTransactionMode, body: (store: IDBObjectStore) => () => T): Promise<T> {
  return db(mode, async (store) => {
    const result = body(store);
    await promisifyRequest(store.transaction);
    return result();
  });
}

/** Creates an IndexedDB {@link Store} in database `name`. */
export function createIdbStore(name: string): Store {
  const db = migrating(createStore(name, 'kv'));
  return {
    mode: 'indexeddb',
    deviceId: () =>
      transact(db, 'readwrite', (store) => {
        let device = '';
        const request = store.get(DEVICE);
        request.onsuccess = () => {
          device = typeof request.result === 'string' ? request.result : randomId();
          if (device !== request.result) store.put(device, DEVICE);
        };
        return () => device;
      }),
    loadProfile: () =>
      transact(db, 'readonly', (store) => {
        const request = store.get(PROFILE);
        return () => migrateProfile(request.result);
      }),
    commit: (events, reduce) =>
      transact(db, 'readwrite', (store) => {
        const profileRequest = store.get(PROFILE);
        const queueRequest = store.get(QUEUE);
        const nextRequest = store.get(LOG_NEXT);
        let result: CommitResult | undefined;
        // Requests in one transaction complete in order: the last one sees all results.
        nextRequest.onsuccess = () => {
          const folded = foldEvents(migrateProfile(profileRequest.result), (queueRequest.result as Delta[] | undefined) ?? [], events, reduce);
          store.put(folded.profile, PROFILE);
          store.put(folded.queue, QUEUE);
          let next = typeof nextRequest.result === 'number' ? nextRequest.result : 0;
          for (const event of events) {
            store.put(event, ['e', next]);
            if (next >= STORE_LIMITS.eventLog) store.delete(['e', next - STORE_LIMITS.eventLog]);
            next++;
          }
          store.put(next, LOG_NEXT);
          result = folded;
        };
        return () => result as CommitResult;
      }),
    readQueue: () =>
      transact(db, 'readonly', (store) => {
        const request = store.get(QUEUE);
        return () => (request.result as Delta[] | undefined) ?? [];
      }),
    acknowledge: (sent) =>
      transact(db, 'readwrite', (store) => {
        const request = store.get(QUEUE);
        request.onsuccess = () => store.put(removeAcknowledged((request.result as Delta[] | undefined) ?? [], sent), QUEUE);
        return () => undefined;
      }),
    readEvents: () =>
      transact(db, 'readonly', (store) => {
        const request = store.getAll(IDBKeyRange.bound(['e', 0], ['e', Infinity]));
        return () => request.result as TrackedEvent[];
      }),
    update: <T>(key: string, fn: (stored: T | undefined) => T | undefined) =>
      transact(db, 'readwrite', (store) => {
        let value: T | undefined;
        const request = store.get(key);
        request.onsuccess = () => {
          value = fn(request.result as T | undefined);
          if (value === undefined) store.delete(key);
          else store.put(value, key);
        };
        return () => value;
      }),
    clear: () =>
      transact(db, 'readwrite', (store) => {
        store.clear();
        return () => undefined;
      }),
  };
}
