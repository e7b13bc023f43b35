/**
 * The debug panel's Force menu (issue #17, point 5) in Chromium: a slot in the
 * markup offers the variants this page has, not every candidate the served
 * model declares for it; a slot decided without markup offers what the served
 * model declares for it; and a forced variant the slot cannot show (no markup
 * here) is warned about in the panel and in the decision itself, instead of a
 * silent `preview` of the default.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { BUILTIN_MODEL } from '../../src/core/model.js';
import { type Page, describeBrowser, readIndexedDb, startTestServer, useBrowserAndServer, waitFor, watchErrors } from './harness.js';

const PANEL = '#o2o-debug';
const dir = mkdtempSync(join(tmpdir(), 'o2o-force-'));
const modelFile = join(dir, 'model.json');
// The served model: hero candidates beyond the page's two, and a slot with no markup at all.
writeFileSync(modelFile, JSON.stringify({
  ...BUILTIN_MODEL,
  id: 'force-menu-model',
  holdout: 0,
  explore: { ...BUILTIN_MODEL.explore, noise: 0 },
  slots: {
    hero: [{ id: 'running', tags: ['running'] }, { id: 'camping', tags: ['camping'] }, { id: 'deals', tags: ['sale'] }, { id: 'cycling', tags: ['cycling'] }],
    banner: [{ id: 'spring', tags: ['running'] }, { id: 'summer', tags: ['camping'] }],
  },
}));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = (page: Page, slot: string): Promise<string[]> =>
  page.locator(`${PANEL} select[data-force="${slot}"] option`).evaluateAll((list) => list.map((o) => (o as HTMLOptionElement).value));

describeBrowser('debug panel Force menu in Chromium', () => {
  const env = useBrowserAndServer({ server: () => startTestServer({ modelFile }) });

  it('lists what each slot can show, and warns when a forced variant has no markup here', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    const url = env.server.url + '/test-pages/force-menu.html';
    // The served model applies from the page after the one that pulled it.
    await page.goto(url);
    await waitFor(async () => (await readIndexedDb(page)).some(([key]) => key === 'model'), 10_000, 'the served model cached');

    await page.goto(url + '?o2o_debug=1');
    // A slot no markup holds, decided from the model's declaration (as Preact or decide() would).
    await page.evaluate(() => (window as unknown as { OneToOne: { ready: Promise<void>; decide(s: string): unknown } }).OneToOne.ready.then(() => void (window as unknown as { OneToOne: { decide(s: string): unknown } }).OneToOne.decide('banner')));
    await page.waitForSelector(`${PANEL} >> select[data-force="banner"]`);
    await page.waitForSelector(`${PANEL} >> select[data-force="hero"]`);
    expect(await options(page, 'hero')).toEqual(['', 'default', 'running', 'camping']);
    expect(await options(page, 'banner')).toEqual(['', 'default', 'spring', 'summer']);
    expect(await page.locator(`${PANEL} [data-preview-missing]`).count()).toBe(0);

    // QA forces a variant this page has no markup for (a shared link, or remembered from another page).
    await page.goto(url + '?o2o_debug=1&o2o_preview=hero:deals');
    await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]');
    expect(await page.getAttribute('[data-o2o-slot="hero"]', 'data-o2o-shown')).toBe('default');
    const decision = await page.evaluate(() => (window as unknown as { OneToOne: { decide(s: string): { variant: string; group: string; explanation: Array<{ feature: string; text: string }> } } }).OneToOne.decide('hero'));
    expect(decision).toMatchObject({ variant: 'default', group: 'preview' });
    expect(decision.explanation[0]).toMatchObject({ feature: 'preview-missing', text: expect.stringContaining('deals') });
    // The panel warns, and its menu shows the forced variant as missing rather than a silent default.
    const warning = await page.waitForSelector(`${PANEL} >> [data-slot="hero"] [data-preview-missing]`);
    expect(await warning.textContent()).toContain('Forced "deals"');
    expect(await warning.textContent()).toContain('no markup');
    expect(await page.locator(`${PANEL} select[data-force="hero"]`).inputValue()).toBe('deals');
    expect(await page.locator(`${PANEL} select[data-force="hero"] option[value="deals"]`).textContent()).toBe('deals (missing here)');

    // A variant the page has is forced without a warning.
    await page.goto(url + '?o2o_debug=1&o2o_preview=hero:camping');
    await page.waitForSelector(`${PANEL} >> [data-slot="hero"] [data-group]`);
    expect(await page.getAttribute('[data-o2o-slot="hero"]', 'data-o2o-shown')).toBe('camping');
    expect(await page.locator(`${PANEL} [data-preview-missing]`).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
