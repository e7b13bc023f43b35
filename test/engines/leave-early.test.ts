/**
 * The pre-stage buffer in every engine: a page makes `o2o('track', …)` calls
 * and is left within 200 ms of its script's start, while its second stage
 * is held by the server (so it never ran). The calls were kept in memory and
 * written to IndexedDB when the page was left; the next page's second stage
 * folds them into the profile, and the page after that decides from them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { heroShown, modelCached, profileNumber, sdkState } from './page.js';
import { SLOW_CORE, type StageDelayProxy, startStageDelayProxy } from './stage-delay.js';
import { describeEngines, useEngine } from './suite.js';
import type { EngineSession } from './drivers/index.js';

const NEXT = '/test-pages/sync-page.html';

/** Waits until the session shows `path`; an evaluate that meets the navigation itself is tried again. */
async function arrived(session: EngineSession, path: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const at = await session.evaluate(() => location.pathname).catch(() => 'navigating');
    if (at === path) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${path} (at ${at})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeEngines('calls made before the second stage, page left at once', (engine) => {
  const env = useEngine(engine);
  let proxy: StageDelayProxy;
  beforeAll(async () => {
    proxy = await startStageDelayProxy(env.shop.url);
  });
  afterAll(() => proxy?.close());

  it('are folded in by the next page and decide the page after', async () => {
    const session = await env.session();
    try {
      await session.goto(`${proxy.url}/test-pages/leave-early.html?core=${encodeURIComponent(SLOW_CORE)}&next=${encodeURIComponent(NEXT)}`);
      await arrived(session, NEXT);
      // Left within 200 ms of the SDK script's run, while its second stage was held: only the first file ran.
      const leftAfter = Number(await session.evaluate(() => sessionStorage.getItem('o2o-left-after-ms')));
      expect(leftAfter).toBeGreaterThan(0);
      expect(leftAfter).toBeLessThanOrEqual(200);
      expect(await session.evaluate(sdkState, 8000)).toMatchObject({ ready: true, storageMode: 'indexeddb', path: NEXT });
      // The next page's stage drained the buffer: three items viewed, in the profile read from storage.
      expect(await session.waitFor('the early calls folded in', 8000, (key: string) => {
        const client = (window as unknown as { OneToOne?: { profile(): { number(k: string): number | undefined } | undefined } }).OneToOne;
        return client?.profile()?.number(key) === 3 || null;
      }, 'n.view_item')).toBe(true);
      expect(await session.evaluate(profileNumber, 'n.view_item')).toBe(3);
      // The page after decides from the snapshot the stage wrote: the running hero (the model is pulled by the stage first).
      await modelCached(session);
      await session.goto(`${proxy.url}/`);
      expect(await heroShown(session)).toBe('running');
      expect(await session.pageErrors()).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
