/**
 * The IndexedDB lifecycle in real Chromium with real IndexedDB. Playwright's
 * Chromium neither restores pages from the back/forward cache nor fires
 * `freeze` for `Page.setWebLifecycleState` (both checked while writing this),
 * so the page's own lifecycle events are dispatched in the page; what they
 * trigger is real: the connection closes with writes pending, another tab's
 * version change then proceeds without our connection being asked to close,
 * and on `pageshow`/`resume` the page reopens, stores every event once and
 * sends again. WebKit's real page cache: bench/engines-dev/browse.mjs.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, readIndexedDb, useBrowserAndServer, waitFor, watchErrors } from './harness.js';
import { readStored, trackMany } from './sync-helpers.js';

type O2O = { OneToOne: { ready: Promise<void>; storageMode: string; counters: Record<string, number>; track(name: string): Promise<boolean> } };

/** Opens the SDK's database at the next version from `page`: `blocked` when another page's connection stays open. */
function upgradeFrom(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const probe = indexedDB.open('onetoone');
        probe.onsuccess = () => {
          const version = probe.result.version;
          probe.result.close();
          const request = indexedDB.open('onetoone', version + 1);
          let blocked = false;
          request.onblocked = () => ((blocked = true), setTimeout(() => resolve('blocked'), 5000));
          request.onsuccess = () => (request.result.close(), resolve(blocked ? 'blocked, then opened' : 'opened'));
          request.onerror = () => resolve('error ' + String(request.error));
        };
      }),
  );
}

async function openPage(page: Page, url: string): Promise<string[]> {
  const errors = watchErrors(page);
  await page.goto(url);
  await page.waitForFunction(() => 'OneToOne' in window);
  await page.evaluate(() => (window as unknown as O2O).OneToOne.ready);
  return errors;
}

const counters = (page: Page): Promise<Record<string, number>> => page.evaluate(() => ({ ...(window as unknown as O2O).OneToOne.counters }));

describeBrowser('IndexedDB lifecycle in Chromium', () => {
  const env = useBrowserAndServer({ context: true });

  for (const [sleep, wake, tag] of [
    ['pagehide (persisted)', 'pageshow (persisted)', 'cached'],
    ['freeze', 'resume', 'frozen'],
  ] as const) {
    it(`${sleep} closes the connection with writes pending; ${wake} reopens, stores them once and sends`, async () => {
      const page = await env.context.newPage();
      const errors = await openPage(page, `${env.server.url}/test-pages/reliability-page.html?flush-interval-ms=100`);
      expect((await trackMany(page, `${tag}_before`, 3)).every(Boolean)).toBe(true);
      // Three more events are on their way to storage when the page goes to sleep (aborting a transaction already
      // running is covered with fake-indexeddb in test/unit/store-lifecycle.test.ts: here it cannot be timed).
      await page.evaluate(([type, name]) => {
        const w = window as unknown as O2O & { __inFlight: Promise<boolean[]> };
        w.__inFlight = Promise.all([1, 2, 3].map(() => w.OneToOne.track(name)));
        if (type === 'freeze') document.dispatchEvent(new Event('freeze'));
        else dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
      }, [sleep, `${tag}_in_flight`] as [string, string]);

      const other = await env.context.newPage();
      await other.goto(`${env.server.url}/test-pages/late-style.css`);
      expect(await upgradeFrom(other)).toBe('opened');
      await other.close();
      // Closed at sleep, not because the upgrade asked (that path counts storage:versionchange).
      expect((await counters(page))['storage:versionchange']).toBeUndefined();

      await page.evaluate((type) => {
        if (type === 'resume') document.dispatchEvent(new Event('resume'));
        else dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
      }, wake);
      expect(await page.evaluate(() => (window as unknown as { __inFlight: Promise<boolean[]> }).__inFlight)).toEqual([true, true, true]);
      expect((await trackMany(page, `${tag}_after`, 2)).every(Boolean)).toBe(true);
      const after = await counters(page);
      expect(await page.evaluate(() => (window as unknown as O2O).OneToOne.storageMode)).toBe('indexeddb');
      expect(after['storage:reopened']).toBeGreaterThan(0);
      expect(after['storage:fallback-memory']).toBeUndefined();
      const stored = await readStored(page);
      expect(stored.fields[`n.${tag}_before`]).toEqual({ k: 'c', v: 3 });
      expect(stored.fields[`n.${tag}_in_flight`]).toEqual({ k: 'c', v: 3 });
      expect(stored.fields[`n.${tag}_after`]).toEqual({ k: 'c', v: 2 });
      // And it sends again: the queue drains to the collector.
      await waitFor(async () => (await readIndexedDb(page)).some(([k, v]) => k === 'queue' && Array.isArray(v) && v.length === 0), 15_000, 'the queue drained');
      // The debug panel says what happened to storage.
      await page.evaluate(() => (window as unknown as { OneToOne: { debug(): void } }).OneToOne.debug());
      await expect.poll(() => page.locator('#o2o-debug [data-storage-notes]').textContent({ timeout: 500 }).catch(() => ''), { timeout: 10_000 }).toMatch(/reopened/);
      // Closed again, so the next page of this context does not reopen it.
      await page.evaluate(() => (window as unknown as { OneToOne: { debug(): void } }).OneToOne.debug());
      await waitFor(async () => !(await readIndexedDb(page)).some(([k]) => k === 'panel'), 5000, 'the panel forgotten');
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
