/**
 * The decision log end to end in real Chromium against the real collector:
 * the demo shop's decisions reach `POST /v1/decisions` with their outcomes
 * attributed (impression, click, purchase with its value), each once, also
 * across a reload and an offline period. Read back through the store's
 * `scanDecisions`, as the trainer and the report read it.
 */
import { expect, it } from 'vitest';
import type { LoggedDecision } from '../../server/store/decision-log-store.js';
import { type Page, describeBrowser, readIndexedDb, readStoredEvents, useBrowserAndServer, waitFor, watchErrors } from './harness.js';

interface Client {
  flush(): Promise<void>;
  track(name: string, props?: Record<string, unknown>): Promise<boolean>;
  readonly counters: Record<string, number>;
}
const client = (page: Page, call: string): Promise<unknown> => page.evaluate(`(async () => { const c = window.OneToOne; ${call} })()`);

describeBrowser('decision log', () => {
  const env = useBrowserAndServer();

  async function logged(device: string): Promise<LoggedDecision[]> {
    const { rows } = await env.server.store.raw.scanDecisions({ since: 0, until: Date.now() + 60_000, limit: 1000 });
    return rows.filter((r) => r.device === device);
  }

  it('decisions arrive with outcomes attributed, once, after a reload and an offline period', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(env.server.url + '/');
    await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]');
    const device = (await waitFor(async () => (await readIndexedDb(page)).find(([key]) => key === 'device'), 10_000, 'device id'))[1] as string;
    // Seen (an impression after a second in view), then a purchase on the same page.
    const impressions = async (): Promise<number> => (await readStoredEvents(page)).filter((e) => e.name === 'view_promotion' && e.props?.slot === 'hero').length;
    await waitFor(async () => (await impressions()) === 1, 10_000, 'the hero impression stored');
    await client(page, `await c.track('purchase', { value: 59, transaction_id: 't1' }); await c.flush();`);
    const first = await waitFor(async () => {
      const rows = await logged(device);
      const hero = rows.find((r) => r.slot === 'hero');
      return hero && hero.outcomes.some((o) => o.k === 'purchase') ? rows : undefined;
    }, 15_000, 'the first page view logged with its purchase');
    const hero1 = first.find((r) => r.slot === 'hero') as LoggedDecision;
    // A first page decides with the built-in model (the served one is cached for the next page): 5 % of visitors are held out.
    expect(hero1).toMatchObject({ variant: 'default', p: 1, pm: 'exact' });
    expect(hero1.candidates).toEqual(hero1.group === 'holdout' ? ['default'] : ['default', 'running', 'camping', 'hiking', 'cycling', 'deals']);
    expect(hero1.outcomes.map((o) => [o.k, o.v])).toEqual([['impression', undefined], ['purchase', 59]]);

    // A reload is a new page view: new decisions; the first ones are not sent again.
    await page.reload();
    await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]');
    await client(page, 'await c.flush();');
    await waitFor(async () => (await logged(device)).filter((r) => r.slot === 'hero').length === 2, 15_000, 'the second page view logged');
    await waitFor(async () => (await impressions()) === 2, 10_000, 'the second hero impression stored');

    // Offline: a purchase is queued in IndexedDB, the send fails and is retried later.
    await context.setOffline(true);
    await client(page, `await c.track('purchase', { value: 20, transaction_id: 't2' }); await c.flush();`);
    await waitFor(async () => ((await client(page, 'return c.counters["log:retry"] ?? 0;')) as number) > 0, 15_000, 'a failed send');
    await context.setOffline(false);
    await page.reload();
    await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]');
    await client(page, 'await c.flush();');
    const rows = await waitFor(async () => {
      const all = await logged(device);
      return all.some((r) => r.outcomes.some((o) => o.v === 20)) && all.filter((r) => r.slot === 'hero').length === 3 ? all : undefined;
    }, 20_000, 'the offline purchase and the third page view logged');
    const heroes = rows.filter((r) => r.slot === 'hero').sort((a, b) => a.t - b.t);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    // The offline purchase is credited to the hero of the page it happened on (the last one seen), once.
    const second = heroes[1] as LoggedDecision;
    expect(second.outcomes.filter((o) => o.k === 'purchase').map((o) => o.v)).toEqual([20]);
    expect((heroes[0] as LoggedDecision).outcomes.filter((o) => o.k === 'purchase').map((o) => o.v)).toEqual([59]);
    // One outcome per (decision, source event), however often the page flushed.
    for (const r of rows) expect(new Set(r.outcomes.map((o) => o.id)).size).toBe(r.outcomes.length);
    expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(e))).toEqual([]);
    await context.close();
  });

  it('records and sends nothing while consent is pending; logs the page\'s decisions once granted', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    // A shop page whose tag asks for consent first (served by the test, on the collector's origin).
    await page.route('**/consent-shop.html', (route) => route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><link rel="stylesheet" href="/dist/onetoone.css">
        <script async src="/dist/onetoone.min.js" data-endpoint="/" data-write-key="demo" data-consent="pending" data-flush-interval-ms="100"></script></head>
        <body><div data-o2o-slot="hero"><h1>Default</h1><template data-o2o-variant="running" data-o2o-tags="running"><h1>Run</h1></template></div></body></html>`,
    }));
    const start = Date.now();
    await page.goto(env.server.url + '/consent-shop.html');
    await page.waitForSelector('[data-o2o-slot="hero"][data-o2o-state="decided"]');
    await client(page, 'await c.ready; await c.track("purchase", { value: 5 }); await c.flush();');
    // Nothing at all reaches the collector from this page, decisions included.
    expect(env.server.requests.filter((r) => r.at >= start)).toEqual([]);
    expect(await page.evaluate(() => indexedDB.databases().then((list) => list.length))).toBe(0);

    await client(page, 'await c.setConsent("granted"); await c.flush();');
    const device = (await waitFor(async () => (await readIndexedDb(page)).find(([key]) => key === 'device'), 10_000, 'device id'))[1] as string;
    const rows = await waitFor(async () => {
      const r = await logged(device);
      return r.length ? r : undefined;
    }, 15_000, 'the decision logged after consent');
    // The device id is random, so this visitor may be in the model's 5 % holdout: the default either way.
    expect(rows.map((r) => [r.slot, r.variant, r.group === 'holdout' ? 'personalized' : r.group])).toEqual([['hero', 'default', 'personalized']]);
    // forget() erases the queue here and the log on the collector.
    await client(page, 'await c.forget();');
    await waitFor(async () => (await logged(device)).length === 0, 10_000, 'the collector erased the log');
    expect((await readIndexedDb(page).catch(() => [])).filter(([key]) => key === 'decision-log')).toEqual([]);
    // The page's decision, made from the erased profile, is not logged again under a new device.
    const forgotten = Date.now();
    await client(page, 'await c.track("after_forget"); await c.flush();');
    const { rows: all } = await env.server.store.raw.scanDecisions({ since: forgotten, until: Date.now() + 60_000, limit: 100 });
    expect(all).toEqual([]);
    expect(env.server.requests.filter((r) => r.path === '/v1/decisions' && r.at >= forgotten)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
