/**
 * The script tag's second stage (`onetoone-stage.min.js`: the full client)
 * in real Chromium: it is requested only after the page's slots are decided,
 * and when it cannot load the page keeps its decisions, counts the failure
 * and writes its calls to the pre-stage buffer, which the next page's stage
 * folds in.
 */
import { expect, it } from 'vitest';
import type { OneToOne } from '../../src/second/client.js';
import { describeBrowser, readIndexedDb, readStoredEvents, useBrowserAndServer, waitFor, watchErrors } from './harness.js';

type Page = { OneToOne?: OneToOne };
const HERO = '[data-o2o-slot="hero"][data-o2o-state="decided"]';

describeBrowser('second stage in Chromium', () => {
  const env = useBrowserAndServer();

  it('is requested after the first decision and syncs the page view', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    let decidedBeforeRequest: boolean | undefined;
    page.on('request', (request) => {
      if (request.url().endsWith('/onetoone-stage.min.js')) decidedBeforeRequest ??= false;
    });
    await page.route('**/onetoone-stage.min.js', async (route) => {
      decidedBeforeRequest = (await page.locator(HERO).count()) === 1;
      await route.continue();
    });
    await page.goto(env.server.url + '/');
    await page.waitForSelector(HERO);
    const device = await waitFor(async () => (await env.server.store.received()).find((b) => b.device)?.device, 10_000, 'a batch at the collector');
    expect(device).toMatch(/^[\w-]+$/);
    expect(decidedBeforeRequest).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('leaves slots working and keeps tracked calls for the next page when it cannot load', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.route('**/onetoone-stage.min.js', (route) => route.abort());
    await page.goto(env.server.url + '/');
    await page.waitForSelector(HERO);
    // Durable in the pre-stage buffer: the call resolves true once written there.
    expect(await page.evaluate(() => (window as unknown as Page).OneToOne?.track('add_to_cart', { value: 3 }))).toBe(true);
    const pending = (await readIndexedDb(page)).filter(([key]) => Array.isArray(key) && key[0] === 'pending').flatMap(([, chunk]) => chunk as unknown[][]);
    expect(pending.map((call) => call[1])).toContain('track');
    const counters = await waitFor(
      () => page.evaluate(() => {
        const counters = (window as unknown as Page).OneToOne?.counters;
        return counters?.['stage:load-failed'] ? counters : undefined;
      }),
      10_000,
      'stage:load-failed counted',
    );
    expect(counters['stage:load-failed']).toBeGreaterThan(0);
    // The next page's stage loads, drains the buffer and folds the call in.
    await page.unroute('**/onetoone-stage.min.js');
    await page.reload();
    await page.evaluate(() => (window as unknown as Page).OneToOne?.ready);
    await waitFor(async () => (await readStoredEvents(page)).some((e) => e.name === 'add_to_cart') || undefined, 10_000, 'add_to_cart folded in');
    expect((await readIndexedDb(page)).some(([key]) => Array.isArray(key) && key[0] === 'pending')).toBe(false);
    await context.close();
  });
});
