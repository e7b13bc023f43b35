/**
 * Delivery in real Chromium against the real collector: offline stretches,
 * a tab closed mid-flush, three tabs, a collector restart, retry statuses.
 * "Exactly once in effect": the collector's state equals the browser's, no
 * delta is applied twice, and a re-sent batch is recognised by its id.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type Browser, type BrowserContext, type TestServer, describeBrowser, launchBrowser, restartTestServer, startTestServer, waitFor, watchErrors } from './harness.js';
import { call, openSyncPage, read, readStored, trackMany, waitDrained } from './sync-helpers.js';

describeBrowser('sync delivery in Chromium', () => {
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

  const batchesOf = async (device: string) => (await server.store.received()).filter((b) => b.device === device);

  it('delivers everything once after an offline stretch', async () => {
    server = await startTestServer();
    context = await browser.newContext();
    const page = await openSyncPage(context, server.url);
    const errors = watchErrors(page);
    await trackMany(page, 'before_offline', 3);
    const { device } = await waitDrained(page);
    await context.setOffline(true);
    for (let i = 0; i < 5; i++) {
      await trackMany(page, 'while_offline', 4);
      await page.waitForTimeout(300);
    }
    const offline = await readStored(page);
    // Twenty increments of one counter compacted to one queued delta.
    expect(offline.queue.filter((d) => d.key === 'n.while_offline')).toHaveLength(1);
    expect((await read(page, 'counters'))['sync:retry']).toBeGreaterThan(0);
    await context.setOffline(false);
    const stored = await waitDrained(page);
    expect((await server.store.device(device as string))?.fields).toEqual(stored.fields);
    expect(stored.fields['n.while_offline']).toEqual({ k: 'c', v: 20 });
    const batches = await batchesOf(device as string);
    expect(batches.every((b) => !b.duplicate && b.applied === b.deltas)).toBe(true);
    // Chromium logs every failed request itself; those are expected while offline.
    expect(errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
  });

  it('loses and duplicates nothing when a tab closes mid-flush', async () => {
    server = await startTestServer();
    context = await browser.newContext();
    const first = await openSyncPage(context, server.url, { 'flush-interval-ms': '60000' });
    await trackMany(first, 'before_close', 5);
    // The collector applies the batch but the answer never arrives: the tab cannot know it was delivered.
    server.faults.push({ hang: true, apply: true });
    void call(first, 'flush').catch(() => undefined);
    await waitFor(async () => (await server.store.received()).length > 0, 10_000, 'the batch at the collector');
    const { device, outbox } = await readStored(first);
    expect(outbox).toHaveLength(1);
    await first.close({ runBeforeUnload: true });

    const second = await openSyncPage(context, server.url);
    const stored = await waitDrained(second);
    const batches = await batchesOf(device as string);
    const resent = batches.filter((b) => b.id === outbox[0]?.id);
    expect(resent.map((b) => b.duplicate)).toEqual([false, true]);
    expect(batches.every((b) => b.duplicate || b.applied === b.deltas)).toBe(true);
    expect(stored.fields['n.before_close']).toEqual({ k: 'c', v: 5 });
    expect((await server.store.device(device as string))?.fields).toEqual(stored.fields);
  });

  it('has one sender across three tabs', async () => {
    server = await startTestServer();
    context = await browser.newContext();
    const tabs = [];
    for (let i = 0; i < 3; i++) tabs.push(await openSyncPage(context, server.url, { 'flush-interval-ms': '20' }));
    for (let round = 0; round < 8; round++) {
      await Promise.all(tabs.map((tab, i) => trackMany(tab, `tab_${i}`, 3)));
      await tabs[0]?.waitForTimeout(40);
    }
    const stored = await waitDrained(tabs[0]!);
    await Promise.all(tabs.map((tab) => call(tab, 'flush')));
    const posts = server.requests.filter((r) => r.path === '/v1/batch').sort((a, b) => a.at - b.at);
    expect(posts.length).toBeGreaterThan(1);
    // Never two sends at once: each starts after the previous one was answered.
    for (let i = 1; i < posts.length; i++) expect(posts[i]!.at).toBeGreaterThanOrEqual(posts[i - 1]!.end);
    const batches = await batchesOf(stored.device as string);
    expect(batches.every((b) => !b.duplicate && b.applied === b.deltas)).toBe(true);
    for (let i = 0; i < 3; i++) expect(stored.fields[`n.tab_${i}`]).toEqual({ k: 'c', v: 24 });
    expect((await server.store.device(stored.device as string))?.fields).toEqual(stored.fields);
  });

  it('loses nothing across a collector restart', async () => {
    server = await startTestServer();
    context = await browser.newContext();
    const page = await openSyncPage(context, server.url);
    await trackMany(page, 'before_restart', 2);
    const { device } = await waitDrained(page);
    await server.close();
    await trackMany(page, 'while_down', 3);
    await page.waitForTimeout(500);
    expect((await readStored(page)).queue.length).toBeGreaterThan(0);
    server = await restartTestServer(server);
    expect((await server.store.device(device as string))?.fields['n.before_restart']).toEqual({ k: 'c', v: 2 });
    await call(page, 'flush');
    const stored = await waitDrained(page);
    expect((await server.store.device(device as string))?.fields).toEqual(stored.fields);
    expect(stored.fields['n.while_down']).toEqual({ k: 'c', v: 3 });
  });

  it('retries 503 after Retry-After with the same batch id, and drops a batch answered 400', async () => {
    server = await startTestServer();
    context = await browser.newContext();
    const page = await openSyncPage(context, server.url, { 'flush-interval-ms': '60000' });
    await trackMany(page, 'retried', 1);
    server.faults.push({ status: 503, retryAfter: '1', apply: true });
    const started = Date.now();
    await call(page, 'flush');
    const { device, outbox } = await readStored(page);
    expect(outbox).toHaveLength(1);
    await waitDrained(page);
    const posts = server.requests.filter((r) => r.path === '/v1/batch');
    expect(posts.map((r) => r.status)).toEqual([503, 200]);
    expect(posts[1]!.at - started).toBeGreaterThanOrEqual(1000);
    expect((await batchesOf(device as string)).map((b) => [b.id, b.duplicate])).toEqual([[outbox[0]?.id, false], [outbox[0]?.id, true]]);

    await trackMany(page, 'rejected', 1);
    server.faults.push({ status: 400 });
    await call(page, 'flush');
    await waitDrained(page);
    expect((await read(page, 'counters'))['sync:dropped-batch']).toBe(1);
  });
});
