/**
 * Exit-intent offers in real Chromium, under the demo's strict CSP plus
 * `require-trusted-types-for 'script'`: detection by real mouse movement and,
 * under touch emulation, by a fast scroll up and by returning to the tab;
 * nothing in the first seconds; caps across reloads; the dialog's keyboard
 * and focus behaviour; shown/closed/clicked events.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Browser, type BrowserContext, type Page, type TestServer, describeBrowser, launchBrowser, readIndexedDb, startTestServer, waitFor, watchErrors } from './harness.js';

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
  return (await readIndexedDb(page)).map(([, v]) => v as Logged).filter((e) => e?.name?.startsWith('offer_'));
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
  let browser: Browser;
  let server: TestServer;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'o2o-model-'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(MODEL));
    [browser, server] = await Promise.all([launchBrowser(), startTestServer({ modelFile: join(dir, 'model.json') })]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('fires on a real mouse exit through the top after the minimum time, with keyboard-safe focus, and once per session across reloads', async () => {
    const context = await contextWithModel(browser, server);
    const { page, errors } = await openOffersPage(context, server);
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
    const context = await contextWithModel(browser, server);
    const { page } = await openOffersPage(context, server);
    await page.waitForFunction(() => performance.now() > 1600);
    await exitThroughTop(page);
    await page.waitForSelector('[data-o2o-dialog] [role="dialog"]');
    await page.mouse.click(5, 5);
    expect(await dialogShown(page)).toBe(false);
    await waitFor(async () => (await offerEvents(page)).some((e) => e.name === 'offer_closed'), 5000, 'offer_closed');
    await context.close();

    const second = await contextWithModel(browser, server);
    const next = await openOffersPage(second, server);
    await next.page.waitForFunction(() => performance.now() > 1600);
    await exitThroughTop(next.page);
    await next.page.locator('[data-o2o-dialog] a').click();
    await next.page.waitForURL('**/render-slots.html');
    await waitFor(async () => (await offerEvents(next.page)).some((e) => e.name === 'offer_clicked'), 5000, 'offer_clicked');
    await second.close();
  });

  it('fires on a fast scroll up after reading depth under touch emulation', async () => {
    const context = await contextWithModel(browser, server, { hasTouch: true, isMobile: true, viewport: { width: 390, height: 700 } });
    const { page, errors } = await openOffersPage(context, server);
    expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true);
    await page.waitForFunction(() => performance.now() > 1600);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Input.synthesizeScrollGesture', { x: 200, y: 500, yDistance: -1200, speed: 1200, gestureSourceType: 'touch' });
    expect(await dialogShown(page)).toBe(false);
    await cdp.send('Input.synthesizeScrollGesture', { x: 200, y: 200, yDistance: 600, speed: 4000, gestureSourceType: 'touch' });
    await page.waitForSelector('[data-o2o-dialog] [role="dialog"]', { timeout: 5000 });
    const events = await waitFor(() => offerEvents(page).then((l) => (l.length ? l : undefined)), 5000, 'offer_shown');
    expect(events[0]?.props).toMatchObject({ strategy: 'scroll' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fires when the visitor returns to the tab', async () => {
    const context = await contextWithModel(browser, server, { hasTouch: true, isMobile: true, viewport: { width: 390, height: 700 } });
    const { page } = await openOffersPage(context, server);
    await page.waitForFunction(() => performance.now() > 1600);
    const other = await context.newPage();
    await other.bringToFront();
    await page.waitForFunction(() => document.visibilityState === 'hidden', undefined, { timeout: 5000 });
    await new Promise((r) => setTimeout(r, 2200));
    await page.bringToFront();
    await page.waitForSelector('[data-o2o-dialog] [role="dialog"]', { timeout: 5000 });
    const events = await waitFor(() => offerEvents(page).then((l) => (l.length ? l : undefined)), 5000, 'offer_shown');
    expect(events[0]?.props).toMatchObject({ strategy: 'return' });
    await context.close();
  });
});
