/**
 * Consent: the state every write and send is gated on, where a choice is
 * remembered, and how Global Privacy Control weighs in.
 *
 * A choice made with `setConsent()` is remembered in localStorage (a record of
 * the visitor's choice, not tracking data); nothing at all is stored while the
 * state is `pending`.
 */
import type { ConsentState } from '../config.js';

const recordKey = (database: string): string => 'o2o.consent.' + database;

/**
 * The state to start in. An explicit `granted`/`denied` in the configuration
 * wins (the site's consent tool decided); with `pending`, a remembered choice
 * applies. With `respectGpc`, a Global Privacy Control signal starts the
 * visitor as `denied` whatever was configured or remembered.
 */
export function startingConsent(configured: ConsentState, respectGpc: boolean, database: string): ConsentState {
  if (respectGpc && (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true) return 'denied';
  if (configured !== 'pending') return configured;
  try {
    const remembered = localStorage.getItem(recordKey(database));
    return remembered === 'granted' || remembered === 'denied' ? remembered : 'pending';
  } catch {
    return 'pending';
  }
}

/** Remembers a choice; `pending` (or `forget()`) removes the record. */
export function rememberConsent(state: ConsentState, database: string): void {
  try {
    if (state === 'pending') localStorage.removeItem(recordKey(database));
    else localStorage.setItem(recordKey(database), state);
  } catch {
    // Without localStorage the choice lasts for this page only.
  }
}

/**
 * Reads the device id of a database stored earlier without creating one
 * (an upgrade from version 0 means it did not exist, so it is aborted), then
 * clears the database. Used by `forget()` while consent is not granted.
 */
export function eraseStoredDatabase(database: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    let open: IDBOpenDBRequest;
    try {
      open = indexedDB.open(database);
    } catch {
      return resolve(undefined);
    }
    open.onupgradeneeded = () => open.transaction?.abort();
    open.onerror = () => resolve(undefined);
    open.onsuccess = () => {
      const db = open.result;
      try {
        const store = db.transaction('kv', 'readwrite').objectStore('kv');
        const read = store.get('device');
        read.onsuccess = () => {
          store.clear();
          resolve(typeof read.result === 'string' ? read.result : undefined);
        };
        read.onerror = () => resolve(undefined);
      } catch {
        resolve(undefined);
      }
      db.close();
    };
  });
}
