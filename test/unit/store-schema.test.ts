import 'fake-indexeddb/auto';
import { createStore, promisifyRequest } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import type { TrackedEvent } from '../../src/core/events.js';
import { applyAll } from '../../src/core/profile.js';
import { createDebugLog } from '../../src/debug/log.js';
import { createIdbStore } from '../../src/store/idb-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createResilientStore } from '../../src/store/resilient-store.js';
import { STORE_SCHEMA } from '../../src/store/schema.js';
import type { Reducer } from '../../src/store/state.js';
import type { Store } from '../../src/store/store.js';

const reduce: Reducer = (p, events) => applyAll(p, events);
const event = (i: number): TrackedEvent => ({ name: 'view_item', ts: 1_700_000_000_000 + i, props: {}, items: [{ id: 'i' + i, category: 'c' }] });
let n = 0;

async function writeRaw(name: string, entries: Array<[IDBValidKey, unknown]>): Promise<void> {
  const db = createStore(name, 'kv');
  await db('readwrite', (store) => {
    for (const [key, value] of entries) store.put(value, key);
    return promisifyRequest(store.transaction);
  });
}

describe('store schema', () => {
  it('upgrades version-1 data: keeps profile, device and events, drops malformed queue entries, rebuilds a lost log pointer', async () => {
    const name = 'v1-' + n++;
    const v1 = createMemoryStore();
    const { profile, queue } = await v1.commit([event(0), event(1)], reduce).then(async (r) => ({ profile: r.profile, queue: await v1.readQueue() }));
    await writeRaw(name, [['profile', profile], ['queue', [...queue, { junk: true }]], ['device', 'dev-1'], [['e', 0], event(0)], [['e', 1], event(1)]]);
    const store = createIdbStore(name);
    expect(await store.deviceId()).toBe('dev-1');
    expect((await store.loadProfile()).own.fields['n.view_item']).toEqual({ k: 'c', v: 2 });
    expect(await store.readQueue()).toEqual(queue);
    await store.commit([event(2)], reduce);
    expect((await store.readEvents()).map((e) => e.ts)).toEqual([0, 1, 2].map((i) => event(i).ts));
    const raw = createStore(name, 'kv');
    expect(await raw('readonly', (s) => promisifyRequest(s.get('schema')))).toBe(STORE_SCHEMA);
  });

  it('sets up a database it creates in the upgrade itself: the first start needs no transaction, and the device and schema are durable', async () => {
    const name = 'fresh-' + n++;
    const store = createIdbStore(name);
    let transactions = 0;
    const open = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (...args: Parameters<typeof open>) {
      // fake-indexeddb runs the upgrade itself through this method, as a `versionchange` transaction.
      if (args[1] !== 'versionchange') transactions++;
      return open.apply(this, args);
    };
    try {
      const start = await store.loadStart();
      expect(transactions).toBe(0);
      expect(start.device).toMatch(/^[\w-]{8,}$/);
      expect(start.profile.own.seq).toBe(0);
      // Another connection (a second tab, the next page) sees the same device and a current schema.
      const again = await createIdbStore(name).loadStart();
      expect(again.device).toBe(start.device);
      expect(transactions).toBe(1);
    } finally {
      IDBDatabase.prototype.transaction = open;
    }
    const raw = createStore(name, 'kv');
    expect(await raw('readonly', (s) => promisifyRequest(s.get('schema')))).toBe(STORE_SCHEMA);
    // Only the first start of a store is served from the upgrade; later ones read.
    await store.commit([event(0)], reduce);
    expect((await store.loadStart()).profile.own.fields['n.view_item']).toEqual({ k: 'c', v: 1 });
  });

  it('never touches data written by a newer schema', async () => {
    const name = 'v9-' + n++;
    await writeRaw(name, [['schema', 99], ['device', 'dev-9']]);
    await expect(createIdbStore(name).deviceId()).rejects.toThrow(/newer/);
  });
});

describe('resilient store', () => {
  function flaky(inner: Store): Store & { broken: boolean } {
    const wrapper = { ...inner, broken: false } as Store & { broken: boolean };
    for (const key of Object.keys(inner) as Array<keyof Store>) {
      const fn = inner[key];
      if (typeof fn !== 'function') continue;
      (wrapper as unknown as Record<string, unknown>)[key] = (...args: unknown[]) =>
        wrapper.broken ? Promise.reject(new DOMException('closed', 'InvalidStateError')) : (fn as (...a: unknown[]) => unknown).apply(inner, args);
    }
    return wrapper;
  }

  it('moves to memory without losing the failed commit, then replays into IndexedDB when it is back', async () => {
    const idb = flaky(createIdbStore('flaky-' + n++));
    let clock = 0;
    const log = createDebugLog(false);
    const store = await createResilientStore(async () => {
      if (idb.broken) throw new Error('still broken');
      return idb;
    }, log, undefined, () => clock);
    await store.commit([event(0)], reduce);
    idb.broken = true;
    const result = await store.commit([event(1), event(2)], reduce);
    expect(store.mode).toBe('memory');
    expect(result.profile.own.fields['n.view_item']).toEqual({ k: 'c', v: 3 });
    expect(log.counters['storage:fallback-memory']).toBe(1);
    idb.broken = false;
    clock = 60_000;
    await store.commit([event(3)], reduce);
    expect(store.mode).toBe('indexeddb');
    expect((await idb.loadProfile()).own.fields['n.view_item']).toEqual({ k: 'c', v: 4 });
  });
});
