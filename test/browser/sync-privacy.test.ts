/**
 * Consent and erasure in real Chromium: while consent is pending nothing
 * reaches IndexedDB, localStorage or the collector; granting persists the
 * page's events and syncs them; `forget()` erases the browser and the
 * collector. Also measures bytes per synced batch against whole profiles.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type Browser, type BrowserContext, type TestServer, describeBrowser, launchBrowser, readIndexedDb, startTestServer } from './harness.js';
import { call, openSyncPage, read, readStored, trackMany, waitDrained } from './sync-helpers.js';

describeBrowser('sync privacy in Chromium', () => {
  let browser: Browser;
  let server: TestServer;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    await context?.close();
    await server?.dispose();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('stores and sends nothing while consent is pending, then persists and syncs once granted', async () => {
    server = await startTestServer();
    context = await browser.newContext();
    const page = await openSyncPage(context, server.url, { consent: 'pending' });
    await trackMany(page, 'pending_event', 3);
    await page.evaluate(() => (window as unknown as { OneToOne: { identify(u: string): Promise<boolean> } }).OneToOne.identify('user-1'));
    await call(page, 'flush');
    await page.waitForTimeout(500);
    expect(server.requests).toEqual([]);
    const databases = await page.evaluate(() => indexedDB.databases().then((list) => list.map((d) => d.name)));
    expect(databases).toEqual([]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await read(page, 'storageMode')).toBe('memory');

    await page.evaluate(() => (window as unknown as { OneToOne: { setConsent(s: string): Promise<void> } }).OneToOne.setConsent('granted'));
    const stored = await waitDrained(page);
    expect(stored.fields['n.pending_event']).toEqual({ k: 'c', v: 3 });
    expect((await server.store.device(stored.device as string))?.fields['u.id']).toMatchObject({ v: 'user-1' });

    // The choice is remembered: the next page starts granted although the tag says pending.
    const next = await openSyncPage(context, server.url, { consent: 'pending' });
    expect(await read(next, 'consent')).toBe('granted');
    expect(await read(next, 'storageMode')).toBe('indexeddb');
  });

  it('honours Global Privacy Control when configured', async () => {
    server = await startTestServer();
    context = await browser.newContext();
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
    const page = await openSyncPage(context, server.url, { 'respect-gpc': 'true' });
    await trackMany(page, 'gpc_event', 2);
    await call(page, 'flush');
    expect(await read(page, 'consent')).toBe('denied');
    expect(await page.evaluate(() => indexedDB.databases().then((list) => list.length))).toBe(0);
    expect(server.requests).toEqual([]);
  });

  it('forget() erases IndexedDB, the queue and the collector', async () => {
    server = await startTestServer();
    context = await browser.newContext();
    const page = await openSyncPage(context, server.url, { 'flush-interval-ms': '60000' });
    await trackMany(page, 'to_forget', 2);
    await call(page, 'flush');
    const { device } = await waitDrained(page);
    await trackMany(page, 'queued_then_forgotten', 1);
    expect((await readStored(page)).queue.length).toBeGreaterThan(0);
    expect(await server.store.device(device as string)).toBeDefined();

    await call(page, 'forget');
    // Syncing restarts under a new device id; nothing of the old one is left.
    const left = await readIndexedDb(page);
    expect(JSON.stringify(left)).not.toContain(device as string);
    expect(left.map(([key]) => key).filter((key) => key === 'profile' || key === 'queue' || key === 'outbox' || Array.isArray(key))).toEqual([]);
    expect(await server.store.device(device as string)).toBeUndefined();
    const answer = await fetch(`${server.url}/v1/profile?device=${device}`).then((r) => r.json() as Promise<{ replica: object }>);
    expect(answer.replica).toEqual({});
    expect(server.requests.filter((r) => r.path === '/v1/forget').map((r) => r.status)).toEqual([200]);
  });

  it('measures bytes per synced batch against sending the whole profile', async () => {
    server = await startTestServer();
    context = await browser.newContext();
    const page = await openSyncPage(context, server.url, { 'flush-interval-ms': '60000' });
    const rows: Array<{ batch: number; profile: number }> = [];
    // A typical session: ten product views over four categories, two add-to-carts, a search, a purchase.
    const steps: Array<[string, Record<string, unknown>]> = [];
    const cats = ['running', 'camping', 'running', 'climbing', 'running', 'cycling', 'camping', 'running', 'running', 'camping'];
    cats.forEach((category, i) => steps.push(['view_item', { items: [{ id: `sku-${i}`, category, brand: i % 2 ? 'acme' : 'peak', price: 40 + i * 15, tags: ['trail'] }] }]));
    steps.push(['add_to_cart', { items: [{ id: 'sku-0', category: 'running', price: 89 }] }], ['search', { search_term: 'tent' }]);
    steps.push(['add_to_cart', { items: [{ id: 'sku-1', category: 'camping', price: 199 }] }], ['purchase', { value: 288 }]);
    for (const [name, props] of steps) {
      await page.evaluate(([n, p]) => (window as unknown as { OneToOne: { track(n: string, p: unknown): Promise<boolean> } }).OneToOne.track(n as string, p), [name, props] as const);
      await call(page, 'flush');
      const stored = await waitDrained(page);
      const last = (await server.store.received()).at(-1);
      rows.push({ batch: last?.bytes ?? 0, profile: JSON.stringify({ device: stored.device, fields: stored.fields }).length });
    }
    const total = rows.reduce((sum, r) => ({ batch: sum.batch + r.batch, profile: sum.profile + r.profile }), { batch: 0, profile: 0 });
    const sorted = rows.map((r) => r.batch).sort((a, b) => a - b);
    console.log(`[sync bytes] ${rows.length} batches: median ${sorted[Math.floor(sorted.length / 2)]} B, max ${sorted.at(-1)} B, total ${total.batch} B; whole profile each time: total ${total.profile} B, last ${rows.at(-1)?.profile} B (${(total.profile / total.batch).toFixed(1)}x)`);
    expect(total.batch).toBeLessThan(total.profile);

    // A returning visitor: a long history, then one short session synced as one compacted batch.
    for (let i = 0; i < 60; i++) {
      const item = { id: `old-${i}`, category: `cat${i % 30}`, brand: `brand${i % 12}`, price: 10 + i * 7, tags: [`tag${i % 20}`] };
      await page.evaluate((p) => (window as unknown as { OneToOne: { track(n: string, p: unknown): Promise<boolean> } }).OneToOne.track('view_item', p), { items: [item] });
    }
    await call(page, 'flush');
    await waitDrained(page);
    const before = (await server.store.received()).length;
    for (const [name, props] of steps.slice(0, 4)) {
      await page.evaluate(([n, p]) => (window as unknown as { OneToOne: { track(n: string, p: unknown): Promise<boolean> } }).OneToOne.track(n as string, p), [name, props] as const);
    }
    await call(page, 'flush');
    const stored = await waitDrained(page);
    const session = (await server.store.received()).slice(before).reduce((sum, b) => sum + b.bytes, 0);
    const whole = JSON.stringify({ device: stored.device, fields: stored.fields }).length;
    console.log(`[sync bytes] returning visitor (${Object.keys(stored.fields).length} fields), 4-event session: ${session} B synced vs ${whole} B whole profile (${(whole / session).toFixed(1)}x)`);
    expect(session).toBeLessThan(whole);
  });
});
