/**
 * The debug panel in real Chromium under the demo's strict CSP: loaded only
 * when asked for, isolated in a shadow root, showing the decision with its
 * reason, and its QA actions — forcing a variant and resetting the profile —
 * really change what the page shows and what is stored.
 */
import { expect, it } from 'vitest';
import { type Page, describeBrowser, readIndexedDb, useBrowserAndServer, waitFor, watchErrors } from './harness.js';

const PANEL = '#o2o-debug';
const heroShown = async (page: Page): Promise<string | null> => {
  await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]');
  return page.getAttribute('[data-o2o-slot="hero"]', 'data-o2o-shown');
};
const panelScriptRequested = (page: Page): Promise<boolean> =>
  page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/onetoone-debug.min.js')));

describeBrowser('debug panel in Chromium', () => {
  const env = useBrowserAndServer({ server: { modelFile: 'test/browser/demo-qa-model.json' } });

  it('loads on demand, explains the decision, forces a variant and resets the profile', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { reportViolation(v: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`)),
    );

    // A running fan: the hero goes to running. The panel file is not loaded by default.
    await page.goto(env.server.url + '/running-shoe.html');
    await waitFor(async () => (await readIndexedDb(page)).some(([key]) => key === 'model'), 10_000, 'the model cached');
    await page.goto(env.server.url + '/');
    expect(await heroShown(page)).toBe('running');
    await page.waitForTimeout(200);
    expect(await panelScriptRequested(page)).toBe(false);

    // Alt+Shift+O opens it; it lives in a shadow root, so the page's CSS does not reach it.
    await page.keyboard.press('Alt+Shift+KeyO');
    await page.waitForSelector(`${PANEL} >> [data-section="decisions"] [data-slot="hero"] [data-variant]`);
    expect(await page.evaluate(() => !!document.getElementById('o2o-debug')?.shadowRoot)).toBe(true);
    expect(await page.locator(`${PANEL} [data-slot="hero"] [data-variant]`).textContent()).toBe('running');
    expect(await page.locator(`${PANEL} [data-slot="hero"] [data-group]`).textContent()).toBe('personalized');
    const why = await page.locator(`${PANEL} [data-slot="hero"] .why`).textContent();
    expect(why).toContain('long-term affinity for running');
    expect(await page.locator(`${PANEL} [data-consent]`).textContent()).toBe('consent: granted');
    expect(await page.locator(`${PANEL} [data-storage]`).textContent()).toBe('storage: indexeddb');
    await page.waitForSelector(`${PANEL} [data-section="profile"] [data-horizon="l"] .bar`);
    expect(await page.locator(`${PANEL} [data-section="profile"] [data-horizon="l"] .bar`).first().textContent()).toContain('running');
    expect(await page.locator(`${PANEL} [data-section="events"] tr`).count()).toBeGreaterThan(1);

    // Force camping: the page reloads with the SDK's preview switch and the hero shows camping, group preview.
    await Promise.all([page.waitForURL(/o2o_preview=hero%3Acamping|o2o_preview=hero:camping/), page.selectOption(`${PANEL} select[data-force="hero"]`, 'camping')]);
    expect(await heroShown(page)).toBe('camping');
    expect(await page.textContent('[data-o2o-slot="hero"] h1')).toBe('Nights under the stars');
    // The panel stays open across pages of the tab.
    await page.waitForSelector(`${PANEL} >> [data-slot="hero"] [data-group]`);
    expect(await page.locator(`${PANEL} [data-slot="hero"] [data-group]`).textContent()).toBe('preview');
    // Stop forcing: back to the model's choice.
    await Promise.all([page.waitForURL(/o2o_preview=off/), page.click(`${PANEL} [data-action="clear-preview"]`)]);
    expect(await heroShown(page)).toBe('running');

    // Reset: the profile is erased (locally and at the collector) and the page comes back with defaults.
    const device = (await readIndexedDb(page)).find(([key]) => key === 'device')?.[1] as string;
    await waitFor(() => env.server.store.device(device), 10_000, 'the device at the collector');
    await page.waitForSelector(`${PANEL} >> [data-action="reset"]`);
    await Promise.all([page.waitForEvent('load'), page.click(`${PANEL} [data-action="reset"]`)]);
    expect(await heroShown(page)).toBe('default');
    const stored = await readIndexedDb(page);
    const profile = stored.find(([key]) => key === 'profile')?.[1] as { own: { fields: Record<string, unknown> } } | undefined;
    expect(Object.keys(profile?.own.fields ?? {}).filter((k) => k.startsWith('a.l.cat:'))).toEqual([]);
    expect(await env.server.store.device(device)).toBeUndefined();

    // The open panel is remembered with the visitor's state (IndexedDB, not Web Storage, which every page would pay to read).
    expect((await readIndexedDb(page)).some(([key]) => key === 'panel')).toBe(true);
    // Closing forgets it: once that is stored, the next page does not reopen it.
    await page.waitForSelector(`${PANEL} >> [data-action="close"]`);
    await page.click(`${PANEL} [data-action="close"]`);
    expect(await page.locator(PANEL).count()).toBe(0);
    await waitFor(async () => !(await readIndexedDb(page)).some(([key]) => key === 'panel'), 5_000, 'the closed panel forgotten');
    await page.reload();
    await heroShown(page);
    await page.waitForTimeout(300);
    expect(await page.locator(PANEL).count()).toBe(0);

    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens with ?o2o_debug=1 and with OneToOne.debug(), and simulates offline', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(env.server.url + '/category/camping.html?o2o_debug=1');
    await page.waitForSelector(`${PANEL} >> [data-section="sync"]`);
    // Opened by the URL on a first visit, it can be up before storage is: it is remembered all the same,
    // and the next page (without the parameter) reopens it.
    await waitFor(async () => (await readIndexedDb(page)).some(([key]) => key === 'panel'), 5_000, 'the open panel remembered');
    await page.goto(env.server.url + '/category/running.html');
    await page.waitForSelector(`${PANEL} >> [data-section="sync"]`);
    await page.evaluate(() => (window as unknown as { OneToOne: { debug(): void } }).OneToOne.debug());
    expect(await page.locator(PANEL).count()).toBe(0);
    await page.evaluate(() => (window as unknown as { OneToOne: { debug(): void } }).OneToOne.debug());
    await page.waitForSelector(`${PANEL} >> [data-action="offline"]`);

    // Offline: the SDK's sends fail as in a real outage and the queue keeps the deltas; online again, they go out.
    await page.click(`${PANEL} [data-action="offline"]`);
    await page.evaluate(() => (window as unknown as { OneToOne: { track(n: string, p: unknown): Promise<boolean> } }).OneToOne.track('add_to_cart', { items: [{ id: 'sku-mug-1', category: 'camping', price: 19 }] }));
    await page.evaluate(() => (window as unknown as { OneToOne: { flush(): Promise<void> } }).OneToOne.flush());
    await page.waitForSelector(`${PANEL} >> text=/failed/`);
    const queued = await page.locator(`${PANEL} [data-queue]`).textContent();
    expect(Number(queued?.split(' ')[0])).toBeGreaterThan(0);
    const device = (await readIndexedDb(page)).find(([key]) => key === 'device')?.[1] as string;
    expect((await env.server.store.device(device))?.fields['n.add_to_cart']).toBeUndefined();
    await page.click(`${PANEL} [data-action="offline"]`);
    await waitFor(async () => (await env.server.store.device(device))?.fields['n.add_to_cart'], 15_000, 'the queued cart delivered after going online');
    expect(errors).toEqual([]);
    await context.close();
  });
});
