import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { TrackedEvent } from '../../src/core/events.js';
import { applyAll } from '../../src/core/profile.js';
import { createIdbStore } from '../../src/store/idb-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { type Reducer, STORE_LIMITS } from '../../src/store/state.js';
import type { Store } from '../../src/store/store.js';

const reduce: Reducer = (p, events) => applyAll(p, events);
const event = (i: number): TrackedEvent => ({ name: 'view_item', ts: 1_700_000_000_000 + i, props: {}, items: [{ id: 'i' + i, category: 'c' + (i % 3) }] });

let db = 0;
const stores: Array<[string, () => Store]> = [
  ['indexeddb', () => createIdbStore('test-' + db++)],
  ['memory', () => createMemoryStore()],
];

describe.each(stores)('%s store', (_name, make) => {
  it('commits events atomically and keeps a bounded log', async () => {
    const store = make();
    const events = Array.from({ length: STORE_LIMITS.eventLog + 20 }, (_, i) => event(i));
    const result = await store.commit(events, reduce);
    expect(result.profile.own.fields['n.view_item']).toEqual({ k: 'c', v: events.length });
    const log = await store.readEvents();
    expect(log).toHaveLength(STORE_LIMITS.eventLog);
    expect(log[0]?.ts).toBe(events[20]?.ts);
    expect((await store.loadProfile()).own.seq).toBe(result.profile.own.seq);
  });

  it('compacts the queue and removes only acknowledged versions', async () => {
    const store = make();
    await store.commit([event(0), event(3)], reduce);
    const sent = await store.readQueue();
    expect(new Set(sent.map((d) => d.key)).size).toBe(sent.length);
    const rewritten = (await store.commit([event(6)], reduce)).deltas.map((d) => d.key);
    await store.acknowledge(sent);
    const left = await store.readQueue();
    // Only keys the later commit rewrote survive the acknowledgement of the earlier versions.
    expect(left.map((d) => d.key).sort()).toEqual([...new Set(rewritten)].sort());
    expect(left.length).toBeLessThan(sent.length + rewritten.length);
  });

  it('keeps a stable device id until cleared', async () => {
    const store = make();
    const id = await store.deviceId();
    expect(await store.deviceId()).toBe(id);
    await store.commit([event(0)], reduce);
    await store.clear();
    expect((await store.readQueue()).length).toBe(0);
    // forget() relies on this: the erased visitor must not come back under the same device id.
    const fresh = await store.deviceId();
    expect(fresh).not.toBe(id);
    expect(await store.deviceId()).toBe(fresh);
  });
});

describe('indexeddb store across "tabs"', () => {
  it('never loses an increment when two connections commit concurrently', async () => {
    const name = 'shared-' + db++;
    const a = createIdbStore(name);
    const b = createIdbStore(name);
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).commit([event(i)], reduce)));
    expect((await a.loadProfile()).own.fields['n.view_item']).toEqual({ k: 'c', v: 50 });
  });
});
