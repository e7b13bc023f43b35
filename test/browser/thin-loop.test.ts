/**
 * The whole loop once, from outside, in real Chromium: a product view is
 * stored in IndexedDB, folded into the profile, the home page's hero slot is
 * swapped to the matching variant, and the collector receives the deltas.
 */
import { expect, it } from 'vitest';
import { describeBrowser, readIndexedDb, useBrowserAndServer, waitFor, watchErrors } from './harness.js';

describeBrowser('thin loop in Chromium', () => {
  const env = useBrowserAndServer();

  it('tracks, stores, decides, swaps and syncs', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);

    await page.goto(env.server.url + '/running-shoe.html');
    const stored = await waitFor(async () => {
      const entries = await readIndexedDb(page);
      const events = entries.filter(([key]) => Array.isArray(key) && key[0] === 'e').flatMap(([, value]) => value as { name: string } | Array<{ name: string }>);
      return events.some((e) => e.name === 'view_item') ? entries : undefined;
    }, 10_000, 'view_item in IndexedDB');
    const byKey = new Map(stored.map(([key, value]) => [JSON.stringify(key), value]));
    type Stored = { name: string; items?: Array<{ id: string; category: string }> };
    const events = stored.filter(([key]) => Array.isArray(key) && key[0] === 'e').flatMap(([, value]) => value as Stored | Stored[]);
    expect(events.map((e) => e.name)).toEqual(['page_view', 'view_item']);
    expect(events[1]?.items?.[0]).toMatchObject({ id: 'sku-trail-1', category: 'running' });
    const profile = byKey.get('"profile"') as { own: { fields: Record<string, { k: string; v: number }> } };
    expect(profile.own.fields['a.l.cat:running']).toMatchObject({ k: 'd', v: 1 });
    expect(profile.own.fields['n.view_item']).toEqual({ k: 'c', v: 1 });
    const device = byKey.get('"device"') as string;
    expect(device).toMatch(/^[\w-]+$/);

    // The test server's model (no holdout, no exploration) is pulled after the first page's load and applies from the next.
    await waitFor(async () => (await readIndexedDb(page)).some(([key]) => key === 'model'), 10_000, 'the model cached');

    // Leaving the page flushes the queue with a keepalive request.
    await page.goto(env.server.url + '/');
    await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]');
    expect(await page.getAttribute('[data-o2o-slot="hero"]', 'data-o2o-shown')).toBe('running');
    expect(await page.textContent('[data-o2o-slot="hero"] h1')).toBe('Run further this season');

    const remote = await waitFor(async () => (await env.server.store.device(device))?.fields['a.l.cat:running'], 10_000, 'deltas at the collector');
    // At least the shoe's view; the home page's running recommendations, once seen, add views of their own.
    expect(remote).toMatchObject({ k: 'd' });
    expect((remote as { v: number }).v).toBeGreaterThanOrEqual(1);
    expect((await env.server.store.received()).filter((b) => b.device === device).length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps default content and reports one clear error for an invalid option the first file reads', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(env.server.url + '/test-pages/bad-first-config.html');
    await waitFor(() => errors.length > 0, 5000, 'the configuration error');
    await page.waitForTimeout(300);
    expect(errors).toEqual([expect.stringContaining('invalid option "consent"')]);
    expect(await page.textContent('[data-o2o-slot="hero"] h1')).toBe('Default hero');
    // Nothing ran: no slot decided, no API.
    expect(await page.getAttribute('[data-o2o-slot="hero"]', 'data-o2o-state')).toBeNull();
    expect(await page.evaluate(() => 'OneToOne' in window && (window as unknown as { OneToOne?: unknown }).OneToOne !== undefined)).toBe(false);
    expect(await page.evaluate(() => document.body.dataset.hostScript)).toBe('ran');
    await context.close();
  });

  it('reports one clear error for an invalid option only the second stage reads, which then does not start', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(env.server.url + '/test-pages/bad-config.html');
    await waitFor(() => errors.length > 0, 5000, 'the configuration error');
    // The stage checked the options it reads, reported the bad one and did not start: counted by the first file.
    const counters = await waitFor(() => page.evaluate(() => {
      const counters = (window as unknown as { OneToOne?: { counters: Record<string, number> } }).OneToOne?.counters;
      return counters?.['stage:load-failed'] ? counters : undefined;
    }), 5000, 'the stage refused');
    expect(counters['stage:load-failed']).toBe(1);
    await page.waitForTimeout(300);
    expect(errors).toEqual([expect.stringContaining('invalid option "endpoint"')]);
    // The first decisions stand (a new visitor's: the default).
    expect(await page.getAttribute('[data-o2o-slot="hero"]', 'data-o2o-state')).toBe('decided');
    expect(await page.textContent('[data-o2o-slot="hero"] h1')).toBe('Default hero');
    expect(await page.evaluate(() => document.body.dataset.hostScript)).toBe('ran');
    await context.close();
  });
});
