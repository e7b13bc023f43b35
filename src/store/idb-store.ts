/**
 * The IndexedDB store, through idb-keyval's `createStore`. Every commit is a
 * single read-write transaction over the profile, the queue and the event
 * log, so tabs sharing the database never lose each other's updates.
 */
import { type UseStore, promisifyRequest } from 'idb-keyval';
import { type Connection, type ConnectionBounds, type ConnectionNotice, createConnection } from './connection.js';
import type { TrackedEvent } from '../core/events.js';
import type { Delta } from '../core/merge.js';
import { SCHEMA, STORE_SCHEMA, migrate } from './schema.js';
import { type CommitResult, STORE_LIMITS, foldEvents, migrateProfile, removeAcknowledged } from './state.js';
import { PANEL_KEY, PREVIEW_KEY, type StartState, type Store, randomId } from './store.js';
import { DEVICE_KEY as DEVICE, MODEL_KEY as MODEL, SNAPSHOT_KEY, pendingRange, setUpDatabase } from './setup.js';
import type { Profile } from '../core/profile.js';

const PROFILE = 'profile';
const QUEUE = 'queue';
/**
 * Next event-log index. The log is a ring of chunks: each commit stores its
 * events as one array under `['e', index of its first event]`, because one
 * put of an array costs a fraction of one put per event (version-2 entries,
 * single events, read as chunks of one).
 */
const LOG_NEXT = 'log';
/** Keys of the log's chunks that start before index `end` (a function: `IDBKeyRange` is missing where IndexedDB is). */
const before = (end: number): IDBKeyRange => IDBKeyRange.bound(['e', -1], ['e', end], false, true);

/** Drops the events before index `keep` from the chunks starting at `starts`; the newest chunk ends at `end`. */
function trimLog(store: IDBObjectStore, starts: number[], keep: number, end: number): void {
  // The last chunk starting before `keep` ends where the next one starts.
  const at = starts.filter((start) => start < keep).length - 1;
  const start = starts[at] as number;
  if (at < 0) return;
  if ((starts[at + 1] ?? end) <= keep) return void store.delete(before(keep));
  // It holds dropped and kept events: its newer part moves to its new first index.
  store.delete(before(start));
  const request = store.get(['e', start]);
  request.onsuccess = () => {
    store.delete(['e', start]);
    store.put([request.result as TrackedEvent[]].flat().slice(keep - start), ['e', keep]);
  };
}

/** Runs `body` in one transaction and resolves with its result once the transaction commits. */
function transact<T>(db: UseStore, mode: IDBTransactionMode, body: (store: IDBObjectStore) => () => T): Promise<T> {
  return db(mode, async (store) => {
    const result = body(store);
    await promisifyRequest(store.transaction);
    return result();
  });
}

/** Requests the values under `keys`, in this order (requests of one transaction complete in the order made). */
const getAll = <K extends IDBValidKey[]>(store: IDBObjectStore, ...keys: K): { [I in keyof K]: IDBRequest } => keys.map((key) => store.get(key)) as { [I in keyof K]: IDBRequest };

/**
 * Reads the device id (creating it in a read-write transaction), the profile,
 * the cached model and, to tell whether migrations are due, the schema marker.
 */
function readStart(store: IDBObjectStore): () => StartState & { schema: unknown } {
  const [schema, profile, model, preview, panel, request] = getAll(store, SCHEMA, PROFILE, MODEL, PREVIEW_KEY, PANEL_KEY, DEVICE);
  let device = '';
  request.onsuccess = () => {
    device = request.result;
    if (typeof device !== 'string' && store.transaction.mode === 'readwrite') store.put((device = randomId()), DEVICE);
  };
  return () => ({ schema: schema.result, device, profile: migrateProfile(profile.result), model: model.result, preview: preview.result, panel: panel.result });
}

/**
 * Creates an IndexedDB {@link Store} in database `name`, through our own
 * {@link createConnection} (closed while the page is frozen or cached,
 * reopened after) with idb-keyval's `UseStore` shape; `notice` hears about
 * stalls, reopens, version changes and wipes (see `connection.ts`). A
 * database this open creates is set up inside its upgrade transaction (schema
 * marker and device id): a first visit's start then needs no transaction of
 * its own. With `opened` (the first file's connection, see `first/read.ts`),
 * the store uses it instead of opening a second one, so a page holds one
 * connection and the lifecycle suspends it once; that connection was set up
 * (and its start read) there, so this store reads its own start. With
 * `snapshot`, every commit also stores the decision snapshot of the profile
 * it wrote, in the same transaction, so the stored snapshot never lags the
 * stored profile (another tab's commit included).
 */
export function createIdbStore(name: string, notice?: ConnectionNotice, bounds?: ConnectionBounds, opened?: Connection, snapshot?: (profile: Profile) => unknown): Store {
  let created: StartState | undefined;
  // Opened without a version, only a database that did not exist is upgraded.
  const connection = opened ?? createConnection(name, (store, reopened) => {
    const device = setUpDatabase(store);
    // Deleted under this page (site data cleared): an ordinary new start from here on.
    if (reopened) notice?.('storage:wiped');
    else created = { device, profile: migrateProfile(undefined), model: undefined, created: true };
  }, notice, bounds);
  const raw = connection.run;
  const ready = connection.ready().then(() => created);
  // Awaited by the first loadStart(); a store used without one must not leave an unhandled rejection.
  ready.catch(() => undefined);
  // Migrations run once, before the first transaction; a start read that found the schema current skips them.
  let migrated: Promise<void> | undefined;
  const db: UseStore = (mode, callback) => (migrated ??= migrate(raw)).then(() => raw(mode, callback));
  /** Reads the value under `key`, as `read` gives it. */
  const get = <T>(key: string, read: (stored: unknown) => T): Promise<T> =>
    transact(db, 'readonly', (store) => {
      const request = store.get(key);
      return () => read(request.result);
    });
  /** Reads every entry in `range` (log chunks and buffer chunks are arrays: flattened); `take` also deletes them. */
  const getRange = <T>(range: IDBKeyRange, take?: boolean): Promise<T[]> =>
    transact(db, take ? 'readwrite' : 'readonly', (store) => {
      const request = store.getAll(range);
      if (take) store.delete(range);
      return () => request.result.flat() as T[];
    });
  const update = <T>(key: string, fn: (stored: T | undefined) => T | undefined): Promise<T | undefined> =>
    transact(db, 'readwrite', (store) => {
      let value: T | undefined;
      const request = store.get(key);
      request.onsuccess = () => {
        value = fn(request.result as T | undefined);
        if (value === undefined) store.delete(key);
        else store.put(value, key);
      };
      return () => value;
    });
  let first = true;
  return {
    mode: 'indexeddb',
    suspend: connection.suspend,
    resume: connection.resume,
    deviceId: () => transact(db, 'readwrite', readStart).then((start) => start.device),
    async loadStart() {
      // A first visit: the database was just created and set up, there is nothing to read.
      const fresh = first ? await ready : undefined;
      first = false;
      // A returning visitor's page: one read-only transaction. Pending migration: the full path.
      const start = migrated || fresh ? undefined : await transact(raw, 'readonly', readStart);
      if (fresh || (start?.schema === STORE_SCHEMA && typeof start.device === 'string')) {
        migrated ??= Promise.resolve();
        return (fresh ?? start) as StartState;
      }
      return transact(db, 'readwrite', readStart);
    },
    loadProfile: () => get(PROFILE, migrateProfile),
    commit: (events, reduce) =>
      transact(db, 'readwrite', (store) => {
        const [profileRequest, queueRequest, nextRequest] = getAll(store, PROFILE, QUEUE, LOG_NEXT);
        const keysRequest = store.getAllKeys(before(Infinity));
        let result: CommitResult | undefined;
        // Requests in one transaction complete in order: the last one sees all results.
        keysRequest.onsuccess = () => {
          const folded = foldEvents(migrateProfile(profileRequest.result), (queueRequest.result as Delta[] | undefined) ?? [], events, reduce);
          store.put(folded.profile, PROFILE);
          store.put(folded.queue, QUEUE);
          if (snapshot) store.put(snapshot(folded.profile), SNAPSHOT_KEY);
          const first = typeof nextRequest.result === 'number' ? nextRequest.result : 0;
          const next = first + events.length;
          const keep = next - STORE_LIMITS.eventLog;
          // Only the newest events of a burst reach the ring; older ones are folded into the profile only.
          const from = Math.max(0, keep - first);
          if (from < events.length) store.put(from ? events.slice(from) : events, ['e', first + from]);
          trimLog(store, keysRequest.result.map((key) => (key as [string, number])[1]), keep, first);
          store.put(next, LOG_NEXT);
          result = folded;
        };
        return () => result as CommitResult;
      }),
    readQueue: () => get(QUEUE, (queue) => (queue as Delta[] | undefined) ?? []),
    acknowledge: (sent) => update<Delta[]>(QUEUE, (queue) => removeAcknowledged(queue ?? [], sent)).then(() => undefined),
    readEvents: () => getRange<TrackedEvent>(before(Infinity)),
    update,
    clear: () =>
      transact(db, 'readwrite', (store) => {
        store.clear();
        return () => undefined;
      }),
    takePending: () => getRange<unknown>(pendingRange(), true),
  };
}
