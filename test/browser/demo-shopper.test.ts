/**
 * The demo shop walked as a shopper in real Chromium, against the real
 * collector serving the demo's QA model (no holdout, no exploration, so every
 * run sees the same thing; `demo-qa-model.json`): home (defaults) → category → product →
 * add to cart → cart → exit intent by real mouse movement. Asserts the slots,
 * the offer the model picks for a visitor with a full cart, and what the
 * collector recorded for this device.
 */
import { expect, it } from 'vitest';
import { type Page, describeBrowser, readIndexedDb, useBrowserAndServer, waitFor, watchErrors } from './harness.js';

const shown = (page: Page, slot: string): Promise<string | null> =>
  page.waitForSelector(`[data-o2o-slot="${slot}"][data-o2o-state="decided"]`).then(() => page.getAttribute(`[data-o2o-slot="${slot}"]`, 'data-o2o-shown'));

async function exitThroughTop(page: Page): Promise<void> {
  await page.mouse.move(400, 400);
  await page.mouse.move(400, 2, { steps: 6 });
  await page.mouse.move(400, -20, { steps: 2 });
}

describeBrowser('demo shop, walked by a shopper', () => {
  const env = useBrowserAndServer({ server: { modelFile: 'test/browser/demo-qa-model.json' } });

  it('category → product → add to cart → exit intent, with slots, offer and the collector record', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);

    await page.goto(env.server.url + '/');
    await shown(page, 'hero');
    // The demo's model (with its offers) is pulled on the first page and applies from the next;
    // the first page used the built-in model, which explores.
    await waitFor(async () => (await readIndexedDb(page)).some(([key]) => key === 'model'), 10_000, 'the demo model cached');
    await page.reload();
    expect(await shown(page, 'hero')).toBe('default');
    expect(await page.textContent('[data-o2o-slot="hero"] h1')).toBe('Gear for every path');
    expect(await shown(page, 'recommendations')).toBe('default');

    await page.click('header nav a[href="/category/running.html"]');
    await page.waitForURL('**/category/running.html');
    expect(await page.locator('.grid [data-o2o-item]').count()).toBeGreaterThanOrEqual(8);
    await page.click('.grid a[href="/running-shoe.html"]');
    await page.waitForURL('**/running-shoe.html');
    await page.click('.product button[data-add]');
    expect(await page.textContent('[data-cart-count]')).toBe('1');
    // The shop reports the add as it always has, a GA4 dataLayer push (which the SDK reads): one, for this item.
    const adds = await page.evaluate(() => (window as unknown as { dataLayer: Array<{ event?: string; ecommerce?: { items?: Array<{ item_id?: string }> } }> }).dataLayer
      .filter((e) => e.event === 'add_to_cart').map((e) => e.ecommerce?.items?.map((i) => i.item_id)));
    expect(adds).toEqual([['sku-trail-1']]);

    await page.click('a.cart-link');
    await page.waitForURL('**/cart.html');
    expect(await page.textContent('#cart-lines')).toContain('Trail runner × 1');

    // Exit intent counts only after the minimum time on the page (5 s by default).
    await page.waitForFunction(() => (window as unknown as { OneToOne?: { ready: Promise<void> } }).OneToOne?.ready.then(() => true));
    await page.waitForFunction(() => performance.now() > 5200, undefined, { timeout: 15_000 });
    await exitThroughTop(page);
    await page.waitForSelector('[data-o2o-dialog]', { state: 'attached', timeout: 10_000 });
    const title = await page.evaluate(() => document.querySelector('[data-o2o-dialog]')?.shadowRoot?.querySelector('[role="dialog"]')?.textContent ?? '');
    expect(title).toContain('Your cart is waiting');
    expect(title).toContain('STAY10');

    const entries = await readIndexedDb(page);
    const device = entries.find(([key]) => key === 'device')?.[1] as string;
    expect(device).toMatch(/^[\w-]+$/);
    const events = entries.filter(([key]) => Array.isArray(key) && key[0] === 'e').flatMap(([, value]) => value as { name: string } | Array<{ name: string }>).map((e) => e.name);
    expect(events).toEqual(expect.arrayContaining(['page_view', 'view_item', 'add_to_cart', 'offer_shown']));

    // Leaving the cart flushes; the collector holds this device's cart, its running affinity and the offer shown.
    await page.keyboard.press('Escape');
    await page.goto(env.server.url + '/');
    expect(await shown(page, 'hero')).toBe('running');
    expect(await page.textContent('[data-o2o-slot="hero"] h1')).toBe('Run further this season');
    expect(await shown(page, 'recommendations')).toBe('running');
    const fields = await waitFor(async () => {
      const state = await env.server.store.device(device);
      return state?.fields['n.add_to_cart'] && state.fields['n.offer_shown'] ? state.fields : undefined;
    }, 10_000, 'the cart and the offer at the collector');
    expect(fields['n.add_to_cart']).toMatchObject({ v: 1 });
    expect(fields['a.l.cat:running']).toBeDefined();
    expect(errors).toEqual([]);
    await context.close();
  });
});
