/**
 * Issue #13's report, as a test in every engine: a returning runner browses
 * the demo shop (home → running category → 4 running products, one back and
 * one forward, → home) with the back/forward cache on. Every page must use
 * IndexedDB, the hero must show `running`, the collector must receive this
 * device's batches, and no page may record an error.
 */
import { expect, it } from 'vitest';
import { walkReturningRunner } from './returning-runner.js';
import { receivedBatches } from './shop.js';
import { describeEngines, useEngine } from './suite.js';
import { poll } from './drivers/page-call.js';

describeEngines('returning runner with back and forward', (engine) => {
  const env = useEngine(engine);

  it('keeps IndexedDB on every page, personalizes the hero and syncs', async () => {
    const session = await env.session();
    try {
      const walk = await walkReturningRunner(session, env.shop.url);
      expect(walk.pages.map((p) => `${p.path}: ${p.storageMode}${p.ready ? '' : ' (not ready)'}`)).toEqual(walk.pages.map((p) => `${p.path}: indexeddb`));
      expect(walk.hero).toEqual({ shown: 'running', states: ['decided'] });
      expect(walk.storedEvents).toBeGreaterThanOrEqual(9);
      expect(walk.device).toMatch(/^[\w-]+$/);
      const batches = await poll('batches from this device at the collector', 10_000, async () => {
        const list = await receivedBatches(env.shop, walk.device ?? '');
        return list.length ? list : undefined;
      });
      expect(batches.length).toBeGreaterThan(0);
      expect(await session.pageErrors()).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
