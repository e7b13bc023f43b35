/**
 * The one IndexedDB connection of a page, opened, closed and reopened by us
 * rather than held forever as idb-keyval's `createStore` holds it.
 *
 * Why: a transaction whose requests are still pending when the page is frozen
 * or enters the back/forward cache never completes while the page sleeps
 * (WebKit delivers no events to a cached page) and keeps every other page's
 * transaction on the same store waiting: the next page's read hangs. So a
 * suspended connection starts no transaction, aborts the ones in flight (an
 * aborted transaction changes nothing, so they are run again on resume) and
 * closes; the next operation after `resume()` reopens it. An open or a
 * transaction that does not finish within its bound is aborted and tried once
 * more on a fresh connection before the caller sees an error named {@link STALL}.
 * Another tab's version change closes the connection so that tab can proceed.
 */

/**
 * idb-keyval's `UseStore` shape, spelled out here: this module's types reach the npm package's CommonJS
 * declarations (through the stage handoff), where a type import from the ESM-only idb-keyval is refused.
 */
export type UseStore = <T>(txMode: IDBTransactionMode, callback: (store: IDBObjectStore) => T | PromiseLike<T>) => Promise<T>;

/** Bounds of one attempt, ms. */
export interface ConnectionBounds {
  /** Longest wait for `indexedDB.open` to succeed. */
  openMs: number;
  /** Longest wait for one transaction to complete. */
  transactionMs: number;
}

/** Default bounds: generous for a slow phone's first open, short enough to fall back before the visitor leaves. */
export const CONNECTION_BOUNDS: ConnectionBounds = { openMs: 1500, transactionMs: 2000 };

/** Something the connection noticed, for counters: `stalled`, `reopened`, `versionchange`, `closed`. */
export type ConnectionNotice = (reason: string, detail?: unknown) => void;

/** Name of the error an open or a transaction past its bound, twice, rejects with. */
export const STALL = 'StoreStallError';

const stalled = (what: string): Error => Object.assign(new Error(what + ' stalled'), { name: STALL });

/** A page's IndexedDB connection to one database with a `kv` store. */
export interface Connection {
  /** Runs `callback` in one transaction on `kv` (idb-keyval's `UseStore`); bounded, retried once, held while suspended. */
  run: UseStore;
  /** No new transaction until {@link resume}; aborts those in flight (they run again on resume) and closes. */
  suspend(): void;
  /** Lets transactions run again; the next one reopens the connection. */
  resume(): void;
  /** Opens the connection now (bounded, tried twice), without a transaction. */
  ready(): Promise<void>;
}

/** Resolves `'stalled'` after `ms` unless `cancel` is called first. */
function timeout(ms: number): [Promise<'stalled'>, () => void] {
  let timer: ReturnType<typeof setTimeout>;
  return [new Promise((resolve) => (timer = setTimeout(resolve, ms, 'stalled'))), () => clearTimeout(timer)];
}

/** Aborts `transaction`; false when it had already finished. */
function abort(transaction: IDBTransaction): boolean {
  try {
    transaction.abort();
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates the connection to database `name`. `upgrade` sets up a database this
 * open creates (in its upgrade transaction); it runs again if the database
 * was deleted under a page and is recreated by a reopen.
 */
export function createConnection(name: string, upgrade: (store: IDBObjectStore, reopened: boolean) => void, notice: ConnectionNotice = () => undefined, bounds: ConnectionBounds = CONNECTION_BOUNDS): Connection {
  let connection: Promise<IDBDatabase> | undefined;
  let current: IDBDatabase | undefined;
  let opens = 0;
  let gate: Promise<void> | undefined;
  let release = (): void => undefined;
  /** Transactions in flight, and whether `suspend()` aborted them. */
  const inFlight = new Map<IDBTransaction, boolean>();

  /** Closes `db` (once its transactions finish) and forgets it if it is the current connection. */
  const drop = (db: IDBDatabase): void => {
    db.close();
    if (db === current) connection = current = undefined;
  };

  const openOnce = (): Promise<IDBDatabase> =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onupgradeneeded = () => upgrade(request.result.createObjectStore('kv'), opens > 1);
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrades the database: let it, and reopen at the next operation.
        db.onversionchange = () => (notice('storage:versionchange'), drop(db));
        // The browser closed it (storage cleared, disk error): the next operation reopens.
        db.onclose = () => (notice('storage:closed'), drop(db));
        resolve((current = db));
      };
      const [bound, cancel] = timeout(bounds.openMs);
      void bound.then(() => {
        reject(stalled('open'));
        // A late success is closed at once, so it blocks nobody.
        request.addEventListener('success', () => request.result.close());
      });
      request.addEventListener('success', cancel);
      request.addEventListener('error', cancel);
    });

  const open = async (): Promise<IDBDatabase> => {
    if (!connection) {
      if (opens++) notice('storage:reopened');
      connection = openOnce().catch((error: unknown) => {
        connection = undefined;
        throw error;
      });
    }
    return connection;
  };

  /** One attempt: the callback's result, `'stalled'` or `'suspended'` (aborted, nothing written). */
  const attempt = async <T>(mode: IDBTransactionMode, callback: (store: IDBObjectStore) => T | PromiseLike<T>): Promise<{ value: T } | 'stalled' | 'suspended'> => {
    const db = await open();
    // Suspended while it opened: start nothing (suspend closes this connection).
    if (gate) return 'suspended';
    let transaction: IDBTransaction;
    try {
      transaction = db.transaction('kv', mode);
    } catch (error) {
      // Closed under us (a version change, the browser): reopen, like a stall.
      if ((error as Error | undefined)?.name !== 'InvalidStateError') throw error;
      drop(db);
      return 'stalled';
    }
    inFlight.set(transaction, false);
    const [bound, cancel] = timeout(bounds.transactionMs);
    let result: Promise<{ value: T }>;
    try {
      // Called at once: the transaction must be used in the task that created it (older WebKit ends it at a microtask).
      result = Promise.resolve(callback(transaction.objectStore('kv'))).then((value) => ({ value }));
      const first = await Promise.race([result, bound]);
      if (first !== 'stalled') return first;
      // Aborted, it changed nothing and can run again; finished meanwhile, its result is on its way.
      if (!abort(transaction)) return await result;
      void result.catch(() => undefined);
      drop(db);
      return 'stalled';
    } catch (error) {
      if (inFlight.get(transaction)) return 'suspended';
      throw error;
    } finally {
      cancel();
      inFlight.delete(transaction);
    }
  };

  const run: UseStore = async (mode, callback) => {
    for (let stalls = 0; ; ) {
      while (gate) await gate;
      const outcome = await attempt(mode, callback).catch((error: unknown) => {
        if ((error as Error | undefined)?.name !== STALL) throw error;
        return 'stalled' as const;
      });
      if (outcome === 'suspended') continue;
      if (outcome !== 'stalled') return outcome.value;
      notice('storage:stalled', mode);
      if (++stalls > 1) throw stalled(mode + ' transaction');
    }
  };

  return {
    run,
    suspend() {
      if (gate) return;
      gate = new Promise((resolve) => (release = resolve));
      inFlight.forEach((_, transaction) => inFlight.set(transaction, abort(transaction)));
      const closing = connection;
      connection = current = undefined;
      void closing?.then((db) => db.close(), () => undefined);
    },
    resume() {
      gate = undefined;
      release();
    },
    async ready() {
      await open().catch((error: unknown) => {
        if ((error as Error | undefined)?.name !== STALL) throw error;
        notice('storage:stalled', 'open');
        return open();
      });
    },
  };
}
