/**
 * Protocol v2 on the client, against an in-memory v2 collector standing in
 * for `fetch` (fake-collector.ts): the device key, registration once before
 * the first push or pull, keys on every request, refusals without retry
 * storms, restore of a wiped browser's device, forget, and the transports
 * that must or must not carry the key.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { validateEvent } from '../../src/core/events.js';
import { applyAll } from '../../src/core/profile.js';
import type { Profile } from '../../src/core/profile.js';
import { createDebugLog } from '../../src/debug/log.js';
import { createIdbStore } from '../../src/store/idb-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { Reducer } from '../../src/store/state.js';
import type { Store } from '../../src/store/store.js';
import { type RestoreHost, type Sync, forgetRemote, startSync } from '../../src/sync/connect.js';
import { CREDENTIAL, type DeviceCredential, credentialOf, newDeviceKey } from '../../src/sync/credential.js';
import type { SyncRequest } from '../../src/sync/transport.js';
import { FakeCollector } from './fake-collector.js';

const ENDPOINT = 'http://collector.test';
const config = (extra: Record<string, unknown> = {}) => resolveConfig({ endpoint: ENDPOINT, flushIntervalMs: 600_000, ...extra });
const reduce: Reducer = (p, events) => applyAll(p, events);
const host: RestoreHost = { reduce, exclusive: (task) => task() };
const KEY = /^[A-Za-z0-9_-]{43}$/;

async function track(store: Store, name: string, times = 1, props: Record<string, unknown> = {}, items?: unknown[]): Promise<void> {
  const result = validateEvent({ name, props, items }, Date.now());
  if (!result.ok) throw new Error(result.reason);
  await store.commit(Array.from({ length: times }, () => result.event), reduce);
}

const credentialIn = (store: Store) => store.update<DeviceCredential>(CREDENTIAL, (c) => c);
let db = 0;

describe('device key', () => {
  it('is 32 random bytes as 43 base64url characters, different every time', () => {
    const keys = Array.from({ length: 200 }, () => newDeviceKey());
    for (const key of keys) expect(key).toMatch(KEY);
    expect(new Set(keys).size).toBe(keys.length);
    // 32 bytes: the last character carries 4 bits, so it is one of 16.
    expect(new Set(keys.map((k) => k[42]))).toSatisfy((last: Set<string>) => [...last].every((c) => 'AEIMQUYcgkosw048'.includes(c)));
  });

  it('an existing store (schema 3: a device id, no key) gets a key for its device id, kept across reopening; clear() means a new id and key', async () => {
    const name = 'cred-' + db++;
    const first = createIdbStore(name);
    await first.loadStart();
    const device = await first.deviceId();
    expect(await credentialIn(first)).toBeUndefined();
    const made = await credentialOf(first);
    expect(made).toEqual({ device, key: expect.stringMatching(KEY) });
    const reopened = createIdbStore(name);
    expect(await credentialOf(reopened)).toEqual(made);
    expect(await reopened.deviceId()).toBe(device);
    await reopened.clear();
    const next = await credentialOf(reopened);
    expect(next.device).not.toBe(device);
    expect(next.key).not.toBe(made.key);
  });

  it('a key the page used is written back when the store lost it (IndexedDB failed over to memory), never replaced', async () => {
    const store = createMemoryStore({ device: 'dev-a' });
    const used: DeviceCredential = { device: 'dev-a', key: newDeviceKey(), registered: true };
    expect(await credentialOf(store, used)).toEqual(used);
    // A known key of another device id does not stand in for this one.
    const other = await credentialOf(createMemoryStore({ device: 'dev-b' }), used);
    expect(other.device).toBe('dev-b');
    expect(other.key).not.toBe(used.key);
  });
});

describe('sync with protocol v2', () => {
  let collector: FakeCollector;
  let syncs: Sync[];
  const start = (store: Store, extra: Record<string, unknown> = {}, onProfile: (p: Profile) => void = () => undefined, log = createDebugLog(false)) => {
    // A database name per sync: each has its own cross-tab send lock.
    const sync = startSync(config({ databaseName: 'sync-' + db++, ...extra }), store, log, onProfile, false, host);
    syncs.push(sync);
    return sync;
  };

  beforeEach(() => {
    collector = new FakeCollector();
    vi.stubGlobal('fetch', collector.fetch);
    syncs = [];
  });
  afterEach(() => {
    syncs.forEach((s) => s.stop());
    vi.unstubAllGlobals();
  });

  it('registers the device once, before its first batch, then sends v:2 and the key with every batch, cookie-capable (same-origin)', async () => {
    const store = createMemoryStore();
    await track(store, 'page_view');
    const sync = start(store, { writeKey: 'site-1' });
    await sync.flush();
    await track(store, 'view_item');
    await sync.flush();
    const device = await store.deviceId();
    const credential = await credentialIn(store);
    expect(credential).toEqual({ device, key: expect.stringMatching(KEY), registered: true });
    const writes = collector.requests.filter((r) => r.method === 'POST');
    expect(writes.map((r) => r.path).filter((p) => p !== '/v1/profile')).toEqual(['/v1/device', '/v1/batch', '/v1/batch']);
    expect(writes[0]?.body).toEqual({ v: 2, device, deviceKey: credential?.key, writeKey: 'site-1' });
    for (const batch of writes.filter((r) => r.path === '/v1/batch')) {
      expect(Object.keys(batch.body ?? {}).sort()).toEqual(['deltas', 'device', 'deviceKey', 'id', 'sentAt', 'seq', 'v', 'writeKey']);
      expect(batch.body).toMatchObject({ v: 2, device, deviceKey: credential?.key });
    }
    expect(new Set(writes.map((r) => r.credentials))).toEqual(new Set(['same-origin']));
    expect(collector.devices.get(device)?.state.fields['n.view_item']).toEqual({ k: 'c', v: 1 });
    expect(await store.readQueue()).toEqual([]);
  });

  it('pulls the profile with POST /v1/profile carrying the key, after registering', async () => {
    const store = createMemoryStore();
    const sync = start(store);
    await sync.pull(true);
    const device = await store.deviceId();
    const key = (await credentialIn(store))?.key;
    const pulls = collector.requests.filter((r) => r.path === '/v1/profile');
    expect(pulls.length).toBeGreaterThan(0);
    expect(pulls.every((r) => r.method === 'POST')).toBe(true);
    expect(pulls[0]?.body).toEqual({ v: 2, device, deviceKey: key });
    expect(collector.paths().indexOf('/v1/device')).toBeLessThan(collector.paths().indexOf('/v1/profile'));
  });

  it('a refused credential (401 on /v1/device) is counted, stops syncing for the page, keeps the queue, and asks nothing again', async () => {
    const store = createMemoryStore({ device: 'taken' });
    collector.seed('taken', newDeviceKey(), []);
    await track(store, 'page_view');
    const log = createDebugLog(false);
    const sync = start(store, {}, undefined, log);
    await sync.flush();
    await sync.pull(true);
    await track(store, 'view_item');
    await sync.flush();
    expect(collector.paths().filter((p) => p !== '/v1/model')).toEqual(['/v1/device']);
    expect(log.counters['sync:credential-refused']).toBe(1);
    expect((await store.readQueue()).map((d) => d.key)).toContain('n.page_view');
    expect((await credentialIn(store))?.registered).toBeUndefined();
  });

  it('a registration that fails transiently (503, network) is retried with backoff, and nothing is sent before it succeeds', async () => {
    const store = createMemoryStore();
    await track(store, 'page_view');
    const log = createDebugLog(false);
    collector.faults.set('/v1/device', [503]);
    const sync = start(store, {}, undefined, log);
    await sync.flush();
    expect(collector.paths()).toEqual(['/v1/device']);
    expect(log.counters['sync:retry']).toBe(1);
    await sync.flush();
    expect(collector.paths().filter((p) => p !== '/v1/profile' && p !== '/v1/model')).toEqual(['/v1/device', '/v1/device', '/v1/batch']);
    expect(await store.readQueue()).toEqual([]);
  });

  it('a batch refused with 401 (the collector holds another key) keeps its deltas and stops the page from sending again', async () => {
    const store = createMemoryStore({ device: 'dev-1' });
    await store.update<DeviceCredential>(CREDENTIAL, () => ({ device: 'dev-1', key: newDeviceKey(), registered: true }));
    collector.seed('dev-1', newDeviceKey(), []);
    await track(store, 'page_view');
    const log = createDebugLog(false);
    const sync = start(store, {}, undefined, log);
    await sync.flush();
    await track(store, 'view_item');
    await sync.flush();
    expect(collector.paths().filter((p) => p === '/v1/batch')).toHaveLength(1);
    expect(log.counters['sync:credential-refused']).toBe(1);
    expect((await store.readQueue()).map((d) => d.key)).toEqual(expect.arrayContaining(['n.page_view', 'n.view_item']));
  });

  it('restore: a wiped browser starts as a new device; the cookie gives the old id back, the profile is rebuilt on its state, and what this page recorded reaches the old device', async () => {
    // An earlier visit: device "old" viewed running shoes and was synced; the browser keeps its cookie.
    const earlier = createMemoryStore({ device: 'old' });
    await track(earlier, 'page_view', 3);
    await track(earlier, 'view_item', 4, {}, [{ id: 'sku-1', category: 'running', price: 89 }]);
    const oldState = (await earlier.loadProfile()).own;
    collector.seed('old', newDeviceKey(), await earlier.readQueue());
    // Safari deleted IndexedDB: a new database, a new device id, this page's own page view.
    const store = createIdbStore('wiped-' + db++);
    await store.loadStart();
    const fresh = await store.deviceId();
    await track(store, 'page_view');
    const profiles: Profile[] = [];
    const log = createDebugLog(false);
    const sync = start(store, {}, (p) => profiles.push(p), log);
    await sync.flush();

    const credential = await credentialIn(store);
    expect(log.counters).toEqual({});
    expect(await store.deviceId()).toBe('old');
    expect(credential).toEqual({ device: 'old', key: expect.stringMatching(KEY), registered: true });
    // The collector now knows the old device by the new key only.
    expect(collector.devices.get('old')?.key).toBe(credential?.key);
    expect(collector.devices.has(fresh)).toBe(false);
    expect(collector.requests.filter((r) => r.body?.device === fresh).map((r) => r.path)).toEqual(['/v1/device']);

    const profile = await store.loadProfile();
    expect(profiles.at(-1)).toEqual(profile);
    // The old device's history and this page's view, numbered after the old sequence.
    expect(profile.own.fields['n.page_view']).toEqual({ k: 'c', v: 4 });
    expect(profile.own.fields['n.view_item']).toEqual({ k: 'c', v: 4 });
    expect(profile.own.fields['a.l.cat:running']).toEqual(oldState.fields['a.l.cat:running']);
    expect(profile.own.seq).toBeGreaterThan(oldState.seq);
    // What this page recorded reached the old device at the collector, which now agrees with the browser.
    expect(await store.readQueue()).toEqual([]);
    expect(collector.devices.get('old')?.state.fields).toEqual(profile.own.fields);
  });

  it('a restore interrupted before it is stored (the pull fails) is answered and done again on the next attempt', async () => {
    const earlier = createMemoryStore({ device: 'old' });
    await track(earlier, 'page_view', 2);
    collector.seed('old', newDeviceKey(), await earlier.readQueue());
    const store = createMemoryStore();
    await track(store, 'page_view');
    collector.faults.set('/v1/profile', [503]);
    const sync = start(store);
    await sync.flush();
    expect(await store.deviceId()).not.toBe('old');
    expect(collector.paths().filter((p) => p === '/v1/batch')).toEqual([]);
    await sync.flush();
    expect(await store.deviceId()).toBe('old');
    expect(collector.devices.get('old')?.state.fields['n.page_view']).toEqual({ k: 'c', v: 3 });
  });

  it('two tabs restoring the same wiped device at the same moment fold its events into the old device once', async () => {
    const earlier = createMemoryStore({ device: 'old' });
    await track(earlier, 'page_view', 2);
    collector.seed('old', newDeviceKey(), await earlier.readQueue());
    const store = createIdbStore('two-tabs-' + db++);
    await store.loadStart();
    await track(store, 'page_view');
    // Two syncs on one database, as two tabs have: both register the new id before either adopted the old one,
    // and the second tab's pull of the old device answers only after the first tab pushed its rebuilt profile.
    let pushed: () => void = () => undefined;
    const firstPush = new Promise<void>((resolve) => (pushed = resolve));
    let pulls = 0;
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = new URL(String(input)).pathname;
      if (path === '/v1/profile' && ++pulls === 2) await firstPush;
      const response = await collector.fetch(input, init);
      if (path === '/v1/batch') pushed();
      return response;
    });
    const [a, b] = [start(store), start(store)];
    await Promise.all([a.flush(), b.flush()]);
    await a.flush();
    await b.flush();
    expect(collector.requests.filter((r) => r.path === '/v1/device').map((r) => r.status)).toEqual([200, 200]);
    expect(await store.deviceId()).toBe('old');
    expect((await store.loadProfile()).own.fields['n.page_view']).toEqual({ k: 'c', v: 3 });
    expect(collector.devices.get('old')?.state.fields['n.page_view']).toEqual({ k: 'c', v: 3 });
  });

  it('forget sends v:2 and the key, so the collector erases the device and clears the cookie: the next device is not restored', async () => {
    const store = createMemoryStore();
    await track(store, 'page_view');
    await start(store).flush();
    const { device, key } = (await credentialIn(store)) as DeviceCredential;
    expect(collector.cookie).toBe(device);
    expect(await forgetRemote(config(), device, key)).toBe(true);
    const forget = collector.requests.find((r) => r.path === '/v1/forget');
    expect(forget?.body).toEqual({ v: 2, device, deviceKey: key });
    expect(forget?.credentials).toBe('same-origin');
    expect(collector.devices.has(device)).toBe(false);
    expect(collector.cookie).toBeUndefined();
    const next = createMemoryStore();
    await track(next, 'page_view');
    await start(next).flush();
    expect(await next.deviceId()).not.toBe(device);
  });

  it('the Segment transport never carries the key, the identity signature or cookies, and does not register; a function transport receives the key', async () => {
    const store = createMemoryStore();
    const signature = 'ab'.repeat(32);
    await track(store, 'identify', 1, { userId: 'user-1', traits: { plan: 'pro' }, signature });
    await start(store, { transport: 'segment' }).flush();
    expect(collector.paths()).toEqual(['/v1/batch']);
    expect(JSON.stringify(collector.requests[0]?.body)).not.toMatch(/deviceKey|"v":2/);
    expect(JSON.stringify(collector.requests[0]?.body)).not.toContain(signature);
    expect(collector.requests[0]?.body?.batch).toContainEqual(expect.objectContaining({ type: 'identify', userId: 'user-1', traits: { plan: 'pro' } }));
    expect(collector.requests[0]?.credentials).toBe('omit');
    expect(await credentialIn(store)).toBeUndefined();

    const requests: SyncRequest[] = [];
    const custom = createMemoryStore();
    await track(custom, 'page_view');
    const transport = async (request: SyncRequest) => (requests.push(request), { status: 200 });
    await start(custom, { transport }).flush();
    await forgetRemote(config({ transport }), await custom.deviceId(), (await credentialIn(custom))?.key);
    const key = (await credentialIn(custom))?.key;
    expect(key).toMatch(KEY);
    expect(requests.map((r) => [r.kind, r.deviceKey])).toEqual([['batch', key], ['forget', key]]);
  });
});
