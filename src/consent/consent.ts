/**
 * Consent: the state every write and send is gated on, where a choice is
 * remembered, and how Global Privacy Control weighs in.
 *
 * A choice made with `setConsent()` is remembered in localStorage (a record of
 * the visitor's choice, not tracking data); nothing at all is stored while the
 * state is `pending`.
 */
import type { ConsentState } from '../config.js';
import { CREDENTIAL, type DeviceCredential } from '../sync/credential.js';

const recordKey = (database: string): string => 'o2o.consent.' + database;

/** A stored device id and, when one was created for it, its key. */
export interface StoredDevice {
  device: string;
  key?: string;
}

/** `device` with the key of `credential` when that credential is the device's. */
export function storedDevice(device: string, credential: DeviceCredential | undefined): StoredDevice {
  return { device, key: credential?.device === device ? credential.key : undefined };
}

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
 * Reads the device id (and its key, see `sync/credential.ts`) of a database
 * stored earlier without creating one (an upgrade from version 0 means it did
 * not exist, so it is aborted), then clears the database. Used by `forget()`
 * while consent is not granted.
 */
export function eraseStoredDatabase(database: string): Promise<StoredDevice | undefined> {
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
        const credential = store.get(CREDENTIAL);
        // DEVICE_KEY (store/setup.ts), spelled out: importing it here cost the core 3 B and an npm app 25 B brotli.
        const read = store.get('device');
        read.onsuccess = () => {
          store.clear();
          resolve(typeof read.result === 'string' ? storedDevice(read.result, credential.result as DeviceCredential | undefined) : undefined);
        };
        read.onerror = () => resolve(undefined);
      } catch {
        resolve(undefined);
      }
      db.close();
    };
  });
}
