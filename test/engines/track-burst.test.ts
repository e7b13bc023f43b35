/**
 * A burst of 1,000 `track()` calls in every engine: every call resolves
 * `true` (durable), and the profile stored in IndexedDB counts all 1,000 —
 * read again by a new page, so from storage, not from memory.
 */
import { expect, it } from 'vitest';
import { profileNumber, sdkState } from './page.js';
import { describeEngines, useEngine } from './suite.js';

const BURST = 1000;

/** Page function: `count` track() calls at once; how many resolved true. */
async function burst(name: string, count: number): Promise<number> {
  const client = (window as unknown as { OneToOne: { ready: Promise<void>; track(n: string, p?: unknown): Promise<boolean> } }).OneToOne;
  await client.ready;
  const results = await Promise.all(Array.from({ length: count }, (_, i) => client.track(name, { n: i })));
  return results.filter(Boolean).length;
}

describeEngines('1,000 track() burst', (engine) => {
  const env = useEngine(engine);

  it('persists every event of the burst', async () => {
    const session = await env.session();
    try {
      await session.goto(`${env.shop.url}/test-pages/sync-page.html`);
      expect(await session.evaluate(sdkState, 8000)).toMatchObject({ ready: true, storageMode: 'indexeddb' });
      expect(await session.evaluate(burst, 'burst_event', BURST)).toBe(BURST);
      // A new page load reads the profile back from IndexedDB (the query string is the page's data-* options).
      await session.goto(`${env.shop.url}/test-pages/sync-page.html?flush-interval-ms=2000`);
      expect(await session.evaluate(sdkState, 8000)).toMatchObject({ ready: true, storageMode: 'indexeddb' });
      expect(await session.evaluate(profileNumber, 'n.burst_event')).toBe(BURST);
      expect(await session.pageErrors()).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
