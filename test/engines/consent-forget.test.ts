/**
 * Consent and erasure in every engine. While consent is pending, tracked
 * events are neither stored (no IndexedDB database, nothing in localStorage)
 * nor sent; granting moves them to IndexedDB and syncs them; `forget()`
 * erases the visitor locally and at the collector.
 */
import { expect, it } from 'vitest';
import { poll } from './drivers/page-call.js';
import { callClient, sdkState, storedCounts } from './page.js';
import { receivedBatches, remoteFields } from './shop.js';
import { describeEngines, useEngine } from './suite.js';

/** Page function: what the page's origin holds in the browser, besides the test recorder's sessionStorage. */
async function browserStorage(): Promise<{ databases: string[]; localStorage: string[]; cookies: string }> {
  const databases = typeof indexedDB.databases === 'function' ? (await indexedDB.databases()).map((d) => d.name ?? '') : ['(indexedDB.databases() unsupported)'];
  const keys: string[] = [];
  for (let i = 0; i < localStorage.length; i++) keys.push(localStorage.key(i) ?? '');
  return { databases, localStorage: keys, cookies: document.cookie };
}

describeEngines('consent pending → granted, then forget()', (engine) => {
  const env = useEngine(engine);

  it('stores and sends nothing before consent, syncs after it, and forget() erases both sides', async () => {
    const session = await env.session();
    try {
      const before = (await receivedBatches(env.shop)).length;
      await session.goto(`${env.shop.url}/test-pages/sync-page.html?consent=pending&flush-interval-ms=100`);
      expect(await session.evaluate(sdkState, 8000)).toMatchObject({ ready: true, consent: 'pending', storageMode: 'memory' });
      for (let i = 0; i < 5; i++) expect(await session.evaluate(callClient, 'track', 'pending_event')).toBe(true);
      await session.evaluate(callClient, 'flush');
      expect(await session.evaluate(browserStorage)).toEqual({ databases: [], localStorage: [], cookies: '' });
      expect(await receivedBatches(env.shop)).toHaveLength(before);

      await session.evaluate(callClient, 'setConsent', 'granted');
      expect(await session.evaluate(sdkState, 8000)).toMatchObject({ consent: 'granted', storageMode: 'indexeddb' });
      const stored = await poll('the pending events in IndexedDB', 10_000, async () => {
        const counts = await session.evaluate(storedCounts, 3000);
        return counts.eventNames.filter((n) => n === 'pending_event').length === 5 ? counts : null;
      });
      const device = stored.device as string;
      expect(device).toMatch(/^[\w-]+$/);
      await poll('the pending events at the collector', 15_000, async () => {
        await session.evaluate(callClient, 'flush');
        return (await remoteFields(env.shop, device)).includes('n.pending_event');
      });

      await session.evaluate(callClient, 'forget');
      // forget() does not stop tracking: the page may hold a fresh state under a new device; nothing of this one.
      const after = await session.evaluate(storedCounts, 3000);
      expect(after.hung).toBe(false);
      expect(after.device).not.toBe(device);
      expect(after.eventNames).not.toContain('pending_event');
      await poll('the device erased at the collector', 10_000, async () => (await remoteFields(env.shop, device)).length === 0);
      expect(await session.pageErrors()).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
