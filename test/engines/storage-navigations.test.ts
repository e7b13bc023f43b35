/**
 * IndexedDB over ten navigations in every engine, the back/forward cache on:
 * four page loads, a back and a forward (pages the engine may restore from
 * the cache), then four more loads. On every page the SDK must be in
 * `indexeddb` mode, and the store, read from inside the page without the SDK,
 * must answer, keep the same device and never lose an event.
 */
import { expect, it } from 'vitest';
import { type StoredCounts, sdkState, storedCounts } from './page.js';
import { describeEngines, useEngine } from './suite.js';

const PAGES = ['/', '/category/running.html', '/running-shoe.html', '/category/camping.html', '/tent.html', '/article.html', '/category/hiking.html', '/product/sku-boot-1.html'];

describeEngines('IndexedDB over 10 navigations', (engine) => {
  const env = useEngine(engine);

  it('stays in indexeddb mode and keeps every stored event', async () => {
    const session = await env.session();
    try {
      const seen: Array<{ path: string; mode: string | null; counts: StoredCounts }> = [];
      const check = async (): Promise<void> => {
        const state = await session.evaluate(sdkState, 8000);
        seen.push({ path: state.path, mode: state.storageMode, counts: await session.evaluate(storedCounts, 4000) });
      };
      for (const path of PAGES.slice(0, 4)) {
        await session.goto(env.shop.url + path);
        await check();
      }
      await session.back(env.shop.url + PAGES[2]);
      await check();
      await session.forward(env.shop.url + PAGES[3]);
      await check();
      for (const path of PAGES.slice(4)) {
        await session.goto(env.shop.url + path);
        await check();
      }

      expect(seen.map((s) => `${s.path}: ${s.mode}`)).toEqual(seen.map((s) => `${s.path}: indexeddb`));
      expect(seen.map((s) => `${s.path}: ${s.counts.hung ? 'store read hung' : 'answered'}`)).toEqual(seen.map((s) => `${s.path}: answered`));
      const device = seen[0]?.counts.device;
      expect(device).toMatch(/^[\w-]+$/);
      expect(seen.every((s) => s.counts.device === device)).toBe(true);
      // Events only accumulate: a count below the one before means stored events were lost.
      const counts = seen.map((s) => s.counts.events);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      const last = seen[seen.length - 1] as (typeof seen)[number];
      // The last page's view may still be buffered; every page before it was recorded.
      expect(last.counts.eventNames.filter((n) => n === 'page_view').length).toBeGreaterThanOrEqual(PAGES.length - 1);
      expect(await session.pageErrors()).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
