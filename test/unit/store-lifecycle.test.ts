/**
 * The IndexedDB connection's lifecycle and faults (fake-indexeddb): a
 * suspended store starts no transaction and aborts the ones in flight, which
 * run again on resume; a transaction held up by another connection is
 * detected, retried on a fresh connection and only then given up; another
 * tab's version change closes our connection and we reopen; a database
 * deleted under the page is recreated and counted; quota and stall reasons
 * are named when the store falls back to memory.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { TrackedEvent } from '../../src/core/events.js';
import { applyAll } from '../../src/core/profile.js';
import { createDebugLog } from '../../src/debug/log.js';
import { createIdbStore } from '../../src/store/idb-store.js';
import { createResilientStore, fallbackReason } from '../../src/store/resilient-store.js';
import type { Reducer } from '../../src/store/state.js';
import { watchPageLifecycle } from '../../src/store/page-lifecycle.js';

const reduce: Reducer = (p, events) => applyAll(p, events);
const event = (i: number): TrackedEvent => ({ name: 'view_item', ts: 1_700_000_000_000 + i, props: {}, items: [{ id: 'i' + i, category: 'c' }] });
let n = 0;
const fresh = (): string => 'lifecycle-' + n++;

/** A raw connection to `name` that keeps a read-write transaction on `kv` busy until `release()`. */
async function holdStore(name: string): Promise<{ release(): void; db: IDBDatabase }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  let held = true;
  const store = db.transaction('kv', 'readwrite').objectStore('kv');
  // A transaction stays active while it has requests: one after another until released.
  const spin = (): void => void (store.get('device').onsuccess = () => held && spin());
  spin();
  return { release: () => (held = false), db };
}

function counting(): { notice: (reason: string) => void; seen: string[] } {
  const seen: string[] = [];
  return { notice: (reason) => seen.push(reason), seen };
}

describe('IndexedDB connection lifecycle', () => {
  it('a suspended store starts no transaction; the write waits and lands once resumed', async () => {
    const name = fresh();
    const store = createIdbStore(name);
    await store.loadStart();
    store.suspend?.();
    let done = false;
    const commit = store.commit([event(1)], reduce).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    store.resume?.();
    await commit;
    expect((await store.loadProfile()).own.fields['n.view_item']).toEqual({ k: 'c', v: 1 });
  });

  it('suspending aborts a transaction in flight, which runs again, once, after resume', async () => {
    const name = fresh();
    const { notice, seen } = counting();
    const store = createIdbStore(name, notice);
    await store.loadStart();
    const commit = store.commit([event(1), event(2)], reduce);
    store.suspend?.();
    await new Promise((r) => setTimeout(r, 30));
    store.resume?.();
    await commit;
    // Applied exactly once: the aborted attempt changed nothing.
    expect((await store.loadProfile()).own.fields['n.view_item']).toEqual({ k: 'c', v: 2 });
    expect(await store.readEvents()).toHaveLength(2);
    expect(seen).toContain('storage:reopened');
  });

  it('a closed connection blocks nobody: another connection reads while this page is suspended', async () => {
    const name = fresh();
    const store = createIdbStore(name);
    await store.loadStart();
    store.suspend?.();
    // Another page deletes the database: it would be blocked by an open connection.
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('blocked by the suspended page'));
    });
  });

  it('watchPageLifecycle suspends on pagehide (persisted) and freeze, resumes and reports on pageshow and resume', () => {
    const calls: string[] = [];
    watchPageLifecycle(window, () => ({ suspend: () => calls.push('suspend'), resume: () => calls.push('resume') }), () => calls.push('restored'));
    const transition = (type: string, persisted: boolean): Event => Object.assign(new Event(type), { persisted });
    dispatchEvent(transition('pagehide', false));
    expect(calls).toEqual([]);
    dispatchEvent(transition('pagehide', true));
    dispatchEvent(transition('pageshow', true));
    document.dispatchEvent(new Event('freeze'));
    document.dispatchEvent(new Event('resume'));
    // A resume without a freeze before it changes nothing.
    document.dispatchEvent(new Event('resume'));
    expect(calls).toEqual(['suspend', 'resume', 'restored', 'suspend', 'resume', 'restored']);
  });
});

describe('stalls and faults', () => {
  const bounds = { openMs: 200, transactionMs: 150 };

  it('a read held up past its bound is retried on a fresh connection and succeeds', async () => {
    const name = fresh();
    const { notice, seen } = counting();
    await createIdbStore(name).loadStart();
    const store = createIdbStore(name, notice, bounds);
    await store.loadStart();
    const holder = await holdStore(name);
    setTimeout(holder.release, 200);
    expect((await store.loadProfile()).own.seq).toBe(0);
    expect(seen).toContain('storage:stalled');
    holder.db.close();
  });

  it('a read held up twice rejects with a StoreStallError; the resilient store falls back to memory and names the reason', async () => {
    const name = fresh();
    await createIdbStore(name).loadStart();
    const holder = await holdStore(name);
    const log = createDebugLog(false);
    const store = await createResilientStore(async () => createIdbStore(name, (r) => log.count(r), bounds), log);
    // The resilient store proves IndexedDB with its first operation; it is held up twice.
    const profile = await store.loadProfile();
    expect(profile.own.seq).toBe(0);
    expect(store.mode).toBe('memory');
    expect(log.counters['storage:stalled']).toBe(2);
    expect(log.counters['storage:fallback:StoreStallError']).toBe(1);
    holder.release();
    holder.db.close();
  });

  it('another tab upgrading the database closes our connection; we reopen and keep working', async () => {
    const name = fresh();
    const { notice, seen } = counting();
    const store = createIdbStore(name, notice);
    await store.commit([event(1)], reduce);
    const upgraded = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, 2);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('blocked: our connection did not close'));
    });
    upgraded.close();
    await store.commit([event(2)], reduce);
    expect((await store.loadProfile()).own.fields['n.view_item']).toEqual({ k: 'c', v: 2 });
    expect(seen).toEqual(expect.arrayContaining(['storage:versionchange', 'storage:reopened']));
  });

  it('a database deleted under the page is recreated, counted as wiped, and starts clean', async () => {
    const name = fresh();
    const { notice, seen } = counting();
    const store = createIdbStore(name, notice);
    await store.commit([event(1)], reduce);
    await new Promise<void>((resolve) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = () => resolve();
    });
    expect((await store.loadProfile()).own.seq).toBe(0);
    await store.commit([event(2)], reduce);
    expect((await store.loadProfile()).own.fields['n.view_item']).toEqual({ k: 'c', v: 1 });
    expect(seen).toContain('storage:wiped');
  });

  it('names fallback reasons', () => {
    expect(fallbackReason(new DOMException('full', 'QuotaExceededError'))).toBe('QuotaExceededError');
    expect(fallbackReason(new DOMException('closed', 'InvalidStateError'))).toBe('InvalidStateError');
    expect(fallbackReason(new Error('no IndexedDB'))).toBe('no IndexedDB');
    expect(fallbackReason('odd')).toBe('odd');
  });
});

describe('storage state in the debug panel', () => {
  it('puts the storage counters in plain words', async () => {
    const { storageNotes } = await import('../../src/debug/snapshot.js');
    const notes = storageNotes({ 'storage:fallback-memory': 1, 'storage:fallback:QuotaExceededError': 1, 'storage:reopened': 3, 'storage:wiped': 1, 'event:bad-name': 2 });
    expect(notes).toEqual([
      'fell back to memory: QuotaExceededError',
      'the connection was reopened (after a freeze, the back/forward cache or a close) (3×)',
      'the database had been wiped: this is a clean new start',
    ]);
  });
});
