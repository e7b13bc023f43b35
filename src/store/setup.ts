/**
 * A new database's first contents, and the keys both stages read: the first
 * file creates the database when it opens it for its start read, the second
 * stage when it opens one on its own (npm builds, a consent granted later).
 * One setup for both, so a database never depends on which stage created it.
 */
import { SCHEMA, STORE_SCHEMA } from './schema.js';
import { randomId } from './store.js';

/** Key of this browser's device id. */
export const DEVICE_KEY = 'device';
/** Key of the model sync cached (`sync/pull.ts`), validated before it was stored. */
export const MODEL_KEY = 'model';
/** Key of the decision snapshot the second stage writes and the first file decides from (`core/snapshot.ts`). */
export const SNAPSHOT_KEY = 'snapshot';
/**
 * First part of the pre-stage buffer's keys: raw calls and events a page kept
 * in memory before its second stage ran, written when the page was hidden or
 * left as one chunk under `['pending', time, random]` (one blind put: a page
 * being left has no time to read before it writes), and drained (validated
 * like any input) by the next second stage that starts.
 */
export const PENDING_KEY = 'pending';
/**
 * The calls the pre-stage buffer writes to storage (their effect is stored state) and the second stage drains;
 * any other entry is not ours. The others (`setConsent` is remembered at once, `flush`, `debug`) only matter on
 * the page that made them.
 */
export const STORED_CALLS: readonly string[] = ['track', 'identify', 'record', 'forget'];
/** Most calls the second stage drains from the pre-stage buffer: a page that leaves before its stage rarely has more than a few; beyond this the oldest go (counted). */
export const PENDING_LIMIT = 1000;

/** The key range of every pre-stage buffer chunk (a function: `IDBKeyRange` is missing where IndexedDB is). */
export const pendingRange = (): IDBKeyRange => IDBKeyRange.bound([PENDING_KEY], [PENDING_KEY, []]);

/** Sets up a database this open created, inside its upgrade transaction; returns the new device id. */
export function setUpDatabase(store: IDBObjectStore): string {
  const device = randomId();
  store.put(STORE_SCHEMA, SCHEMA);
  store.put(device, DEVICE_KEY);
  return device;
}
