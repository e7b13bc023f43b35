/**
 * The first file's one IndexedDB read: what the page's first decisions need
 * (device id, decision snapshot, cached model, QA preview, panel flag), in
 * one read-only transaction on the connection the second stage reuses. A
 * database this open creates is set up in its upgrade transaction and needs
 * no read at all (a new visitor). Any failure decides as for a new visitor in
 * memory: the second stage opens storage again and falls back on its own.
 */
import type { DebugLog } from '../debug/log.js';
import { type Connection, createConnection } from '../store/connection.js';
import { DEVICE_KEY, MODEL_KEY, SNAPSHOT_KEY, setUpDatabase } from '../store/setup.js';
import { PANEL_KEY, PREVIEW_KEY, randomId } from '../store/store.js';

/** What the first read returned; handed to the second stage as it is. */
export interface FirstRead {
  /** This browser's device id (a random one for this page when nothing is stored). */
  device: string;
  /** The stored decision snapshot, unchecked (see `first/snapshot.ts`). */
  snapshot?: unknown;
  /** What sync cached under `model`, unchecked. */
  model?: unknown;
  /** The remembered QA preview spec, unchecked. */
  preview?: unknown;
  /** Set while QA keeps the debug panel open. */
  panel?: unknown;
  /** True when this page created the database (a first visit, or storage wiped since the last one). */
  created?: boolean;
  /** The open connection, when IndexedDB worked; the second stage's store uses it. */
  connection?: Connection;
}

/** A start without storage: consent not granted, or IndexedDB missing or failing. */
export const memoryRead = (): FirstRead => ({ device: randomId() });

/** Opens database `name` (creating and setting it up on a first visit) without reading from it. */
export function connect(name: string, log: DebugLog, created?: (device: string) => void): Connection {
  return createConnection(name, (store, reopened) => {
    const device = setUpDatabase(store);
    // Deleted under this page (site data cleared): an ordinary new start from here on.
    if (reopened) log.count('storage:wiped');
    else created?.(device);
  }, (reason, detail) => log.count(reason, detail));
}

/** Reads the first decision's inputs from database `name`; never rejects. */
export async function readFirst(name: string, log: DebugLog): Promise<FirstRead> {
  let fresh: string | undefined;
  try {
    if (typeof indexedDB === 'undefined') throw new Error('no IndexedDB');
    const connection = connect(name, log, (device) => (fresh = device));
    await connection.ready();
    if (fresh) return { device: fresh, created: true, connection };
    return await connection.run('readonly', (store) => {
      const get = (key: string): IDBRequest => store.get(key);
      const [device, snapshot, model, preview, panel] = [DEVICE_KEY, SNAPSHOT_KEY, MODEL_KEY, PREVIEW_KEY, PANEL_KEY].map(get) as IDBRequest[];
      return new Promise<FirstRead>((resolve, reject) => {
        store.transaction.oncomplete = () => resolve({
          // A database without a device (an old layout) gets one from the second stage's migration.
          device: typeof device?.result === 'string' ? device.result : randomId(),
          snapshot: snapshot?.result,
          model: model?.result,
          preview: preview?.result,
          panel: panel?.result,
          connection,
        });
        store.transaction.onabort = () => reject(store.transaction.error);
      });
    });
  } catch (error) {
    log.count('storage:first-read-failed', error);
    return memoryRead();
  }
}
