/**
 * The thin loop in every engine: a product page's view is tracked into
 * IndexedDB, folded into the profile, and the next home page's hero is
 * decided for it (`running`, group `personalized`). A second session starts
 * empty, which proves the sessions the other scenarios rely on are isolated.
 */
import { expect, it } from 'vitest';
import { poll } from './drivers/page-call.js';
import { decisionOf, heroReport, modelCached, profileNumber, sdkState, storedCounts } from './page.js';
import { describeEngines, useEngine } from './suite.js';

describeEngines('thin loop', (engine) => {
  const env = useEngine(engine);

  it('tracks a product view, folds it into the profile and decides the hero with it', async () => {
    const session = await env.session();
    try {
      await session.goto(env.shop.url + '/running-shoe.html');
      expect(await session.evaluate(sdkState, 8000)).toMatchObject({ ready: true, storageMode: 'indexeddb' });
      const stored = await poll('view_item in IndexedDB', 10_000, async () => {
        const counts = await session.evaluate(storedCounts, 2000);
        return counts.eventNames.includes('view_item') ? counts : null;
      });
      expect(stored.eventNames.slice(0, 2)).toEqual(['page_view', 'view_item']);
      expect(stored.device).toMatch(/^[\w-]+$/);
      // A new session is a new visitor: nothing of the first one's storage.
      const other = await env.session();
      try {
        await other.goto(env.shop.url + '/category/camping.html');
        await other.evaluate(sdkState, 8000);
        const fresh = await other.evaluate(storedCounts, 2000);
        expect(fresh.device).not.toBe(stored.device);
        expect(fresh.eventNames).not.toContain('view_item');
      } finally {
        await other.close();
      }
      await session.waitFor('view_item folded into the profile', 5000, profileNumber, 'n.view_item');
      await modelCached(session);

      await session.goto(env.shop.url + '/');
      // A running hero, swapped while hidden: not kept as default because the SDK ran after first paint (`late`).
      expect(await heroReport(session)).toEqual({ shown: 'running', states: ['decided'] });
      expect(await session.evaluate(decisionOf, 'hero')).toEqual({ variant: 'running', group: 'personalized' });
      // The profile is read once the SDK is ready (its second stage ran); the hero was decided before, from the snapshot.
      expect(await session.evaluate(sdkState, 8000)).toMatchObject({ ready: true });
      expect(await session.evaluate(profileNumber, 'n.view_item')).toBeGreaterThanOrEqual(1);
      expect(await session.pageErrors()).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
