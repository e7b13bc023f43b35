/**
 * Exit-intent offers in real Chromium, under the demo's strict CSP plus
 * `require-trusted-types-for 'script'`: detection by real mouse movement and,
 * under touch emulation, by a fast scroll up (tab return is covered by a unit
 * test: headless Chromium never hides a page);
 * nothing in the first seconds; caps across reloads; the dialog's keyboard
 * and focus behaviour; shown/closed/clicked events.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { type Browser, type BrowserContext, type Page, type TestServer, describeBrowser, readIndexedDb, readStoredEvents, startTestServer, useBrowserAndServer, waitFor, watchErrors } from './harness.js';

const MODEL = {
  version: 1,
  id: 'offers-test',
  bias: -1,
  weights: {},
  holdout: 0,
  explore: { prior: 20, noise: 0 },
  slots: {},
  offers: [{ id: 'guide', tags: [], bias: 5, content: { title: 'Before you go', body: 'Our trail guide, free.', code: 'TRAIL10', action: { label: 'Get the guide', url: '/test-pages/render-slots.html' } } }],
};

const PAGE = '/test-pages/render-offers.html';

function instrument(): void {
  const w = window as unknown as { __violations: string[] };
  w.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
}

type Logged = { name: string; props?: Record<string, unknown> };
async function offerEvents(page: Page): Promise<Logged[]> {
  return (await readStoredEvents<Logged>(page)).filter((e) => e.name.startsWith('offer_'));
}

/** A context whose IndexedDB holds the test model, pulled from the collector on a first page view. */
async function contextWithModel(browser: Browser, server: TestServer, options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await context.addInitScript(instrument);
  const page = await context.newPage();
  await page.goto(server.url + PAGE);
  await waitFor(async () => (await readIndexedDb(page)).some(([k]) => k === 'model'), 10_000, 'the model cached');
  await page.close();
  return context;
}

async function openOffersPage(context: BrowserContext, server: TestServer): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url + PAGE);
  await page.waitForFunction(() => (window as unknown as { OneToOne?: { ready: Promise<void> } }).OneToOne?.ready.then(() => true));
  return { page, errors };
}

async function exitThroughTop(page: Page): Promise<void> {
  await page.mouse.move(300, 300);
  await page.mouse.move(300, 2, { steps: 6 });
  await page.mouse.move(300, -20, { steps: 2 });
}

const dialogShown = (page: Page): Promise<boolean> => page.evaluate(() => !!document.querySelector('[data-o2o-dialog]'));

describeBrowser('exit-intent offers in Chromium', () => {
  const env = useBrowserAndServer({
    server: () => {
      const dir = mkdtempSync(join(tmpdir(), 'o2o-model-'));
      writeFileSync(join(dir, 'model.json'), JSON.stringify(MODEL));
      return startTestServer({ modelFile: join(dir, 'model.json') });
    },
  });

  it('fires on a real mouse exit through the top after the minimum time, with keyboard-safe focus, and once per session across reloads', async () => {
    const context = await contextWithModel(env.browser, env.server);
    const { page, errors } = await openOffersPage(context, env.server);
    await page.focus('#before');
    await exitThroughTop(page);
    await page.waitForTimeout(300);
    expect(await dialogShown(page)).toBe(false);

    await page.waitForFunction(() => performance.now() > 1600);
    await exitThroughTop(page);
    await page.waitForSelector('[data-o2o-dialog] [role="dialog"]');
    const dialog = page.locator('[data-o2o-dialog] [role="dialog"]');
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await dialog.getAttribute('aria-labelledby')).toBe('t');
    expect(await page.locator('[data-o2o-dialog] #t').textContent()).toBe('Before you go');
    const focused = (): Promise<string | undefined> => page.evaluate(() => document.querySelector('[data-o2o-dialog]')?.shadowRoot?.activeElement?.textContent ?? undefined);
    expect(await focused()).toBe('Get the guide');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('×');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Get the guide');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('×');
    await page.keyboard.press('Escape');
    expect(await dialogShown(page)).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('before');

    const events = await waitFor(async () => {
      const list = await offerEvents(page);
      return list.some((e) => e.name === 'offer_closed') ? list : undefined;
    }, 5000, 'offer events');
    expect(events.map((e) => e.name)).toEqual(['offer_shown', 'offer_closed']);
    expect(events[0]?.props).toMatchObject({ offer: 'guide', group: 'personalized', strategy: 'pointer' });

    // The same session, after a reload: the cap holds.
    await page.reload();
    await page.waitForFunction(() => performance.now() > 1600);
    await exitThroughTop(page);
    await page.waitForTimeout(500);
    expect(await dialogShown(page)).toBe(false);
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('closes on the backdrop and reports a click on the action', async () => {
    const context = await contextWithModel(env.browser, env.server);
    const { page } = await openOffersPage(context, env.server);
    await page.waitForFunction(() => performance.now() > 1600);
    await exitThroughTop(page);
    await page.waitForSelector('[data-o2o-dialog] [role="dialog"]');
    await page.mouse.click(5, 5);
    expect(await dialogShown(page)).toBe(false);
    await waitFor(async () => (await offerEvents(page)).some((e) => e.name === 'offer_closed'), 5000, 'offer_closed');
    await context.close();

    const second = await contextWithModel(env.browser, env.server);
    const next = await openOffersPage(second, env.server);
    await next.page.waitForFunction(() => performance.now() > 1600);
    await exitThroughTop(next.page);
    await next.page.locator('[data-o2o-dialog] a').click();
    await next.page.waitForURL('**/render-slots.html');
    await waitFor(async () => (await offerEvents(next.page)).some((e) => e.name === 'offer_clicked'), 5000, 'offer_clicked');
    await second.close();
  });

  it('fires on a fast scroll up after reading depth under touch emulation', async () => {
    const context = await contextWithModel(env.browser, env.server, { hasTouch: true, isMobile: true, viewport: { width: 390, height: 700 } });
    const { page, errors } = await openOffersPage(context, env.server);
    expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true);
    await page.waitForFunction(() => performance.now() > 1600);
    // Real touch drags (CDP touch events): read down the page, then flick back up.
    const cdp = await context.newCDPSession(page);
    const drag = async (from: number, to: number, steps: number): Promise<void> => {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: 200, y: from }] });
      for (let i = 1; i <= steps; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: 200, y: from + ((to - from) * i) / steps }] });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    };
    for (let i = 0; i < 2; i++) {
      await drag(600, 100, 10);
      await page.waitForTimeout(400);
    }
    expect(await page.evaluate(() => scrollY)).toBeGreaterThan(500);
    expect(await dialogShown(page)).toBe(false);
    await drag(100, 600, 4);
    await page.waitForSelector('[data-o2o-dialog] [role="dialog"]', { timeout: 5000 });
    const events = await waitFor(() => offerEvents(page).then((l) => (l.length ? l : undefined)), 5000, 'offer_shown');
    expect(events[0]?.props).toMatchObject({ strategy: 'scroll' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
