/**
 * Sync in every engine: a short browse is flushed to the collector, which
 * receives this device's batches with deltas, and the local queue drains.
 */
import { expect, it } from 'vitest';
import { poll } from './drivers/page-call.js';
import { callClient, sdkState, storedCounts } from './page.js';
import { receivedBatches } from './shop.js';
import { describeEngines, useEngine } from './suite.js';

describeEngines('sync to the collector', (engine) => {
  const env = useEngine(engine);

  it('delivers the browse as batches and drains the queue', async () => {
    const session = await env.session();
    try {
      for (const path of ['/category/cycling.html', '/product/sku-helmet-1.html', '/']) {
        await session.goto(env.shop.url + path);
        expect(await session.evaluate(sdkState, 8000)).toMatchObject({ ready: true, storageMode: 'indexeddb' });
      }
      await session.evaluate(callClient, 'track', 'add_to_cart', { items: [{ id: 'sku-helmet-1', category: 'cycling', price: 89 }] });
      await session.evaluate(callClient, 'flush');
      const { device } = await session.evaluate(storedCounts, 4000);
      expect(device).toMatch(/^[\w-]+$/);
      const batches = await poll('this device\'s batches at the collector', 15_000, async () => {
        const list = await receivedBatches(env.shop, device ?? '');
        return list.reduce((n, b) => n + b.deltas, 0) > 0 ? list : null;
      });
      expect(batches.every((b) => !b.duplicate)).toBe(true);
      await poll('the local queue drained', 15_000, async () => {
        await session.evaluate(callClient, 'flush');
        const counts = await session.evaluate(storedCounts, 4000);
        return counts.queue === 0;
      });
      expect(await session.pageErrors()).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
