/**
 * Storage faults in Chromium: IndexedDB missing, `open` throwing,
 * `QuotaExceededError` on write, the connection closed mid-session, and
 * storage wiped between visits. In every case the page keeps working (no
 * uncaught error, the slot shows content, `track()` still resolves), the
 * mode is reported (`storageMode`, the `storage:fallback-memory` counter),
 * and nothing already stored is lost.
 */
import type { Page } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import { type BrowserContext, describeBrowser, useBrowserAndServer, waitFor, watchErrors } from '../browser/harness.js';
import { read, readStored, trackMany, waitDrained } from '../browser/sync-helpers.js';
import { report } from './scale.js';
import { startCollector } from './server.js';

type O2O = { OneToOne: { ready: Promise<void>; identify(u: string): Promise<boolean>; profile(): { number(k: string): number } | undefined } };

/** Init scripts that break IndexedDB the way browsers and users do. */
const BREAK = {
  missing: () => Object.defineProperty(globalThis, 'indexedDB', { get: () => undefined, configurable: true }),
  openThrows: () => {
    IDBFactory.prototype.open = () => {
      throw new DOMException('The user denied permission to access the database.', 'SecurityError');
    };
  },
  // Once the test sets `__quota`, every write transaction aborts with QuotaExceededError, as browsers report a full quota.
  quota: () => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      const request = put.apply(this, args);
      const tx = this.transaction;
      if ((window as unknown as { __quota?: boolean }).__quota && !('error' in Object.getOwnPropertyDescriptors(tx))) {
        // The write fails when the transaction commits, after the handler's other requests were queued.
        Object.defineProperty(tx, 'error', { value: new DOMException('The quota has been exceeded.', 'QuotaExceededError') });
        queueMicrotask(() => tx.abort());
      }
      return request;
    };
  },
  // Keeps every connection the page opens so the test can close them mid-session.
  closable: () => {
    const open = IDBFactory.prototype.open;
    const dbs: IDBDatabase[] = ((window as unknown as { __dbs: IDBDatabase[] }).__dbs = []);
    IDBFactory.prototype.open = function (this: IDBFactory, ...args: Parameters<typeof open>) {
      const request = open.apply(this, args);
      request.addEventListener('success', () => dbs.push(request.result));
      return request;
    };
  },
};

describeBrowser('reliability: storage faults', () => {
  const env = useBrowserAndServer({ server: startCollector });
  let context: BrowserContext | undefined;
  afterEach(async () => {
    await context?.close();
  });

  async function open(fault?: () => void): Promise<{ page: Page; errors: string[] }> {
    context = await env.browser.newContext();
    if (fault) await context.addInitScript(fault);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${env.server.url}/test-pages/reliability-page.html?flush-interval-ms=100`);
    await page.waitForFunction(() => 'OneToOne' in window);
    await page.evaluate(() => (window as unknown as O2O).OneToOne.ready);
    return { page, errors };
  }

  /** The page still works: content visible, events accepted, no uncaught error. */
  async function stillWorks(page: Page, errors: string[]): Promise<number> {
    let violations = 0;
    const hero = page.locator('#hero h1');
    if (!(await hero.isVisible()) || !(await hero.textContent())?.trim()) violations++;
    if (!(await page.locator('#host').isVisible())) violations++;
    if (!(await trackMany(page, 'after_fault', 5)).every(Boolean)) violations++;
    return violations + errors.length;
  }

  for (const [name, fault] of [['IndexedDB missing', BREAK.missing], ['indexedDB.open throwing', BREAK.openThrows]] as const) {
    it(`${name}: runs in memory and says so`, async () => {
      const { page, errors } = await open(fault);
      const violations = await stillWorks(page, errors);
      const mode = await read(page, 'storageMode');
      const counters = await read(page, 'counters');
      report({ scenario: `Storage: ${name}`, load: '1 page view, 5 events', faults: name, lost: 0, duplicated: 0, violations: violations + Number(mode !== 'memory'), notes: `storageMode ${mode}, storage:fallback-memory ${counters['storage:fallback-memory'] ?? 0}` });
      expect(errors).toEqual([]);
      expect(violations).toBe(0);
      expect(mode).toBe('memory');
      expect(counters['storage:fallback-memory']).toBeGreaterThan(0);
    });
  }

  it('QuotaExceededError on write: keeps what was stored, falls back to memory', async () => {
    const { page, errors } = await open(BREAK.quota);
    expect(await read(page, 'storageMode')).toBe('indexeddb');
    await trackMany(page, 'before_quota', 10);
    const before = (await readStored(page)).fields['n.before_quota'];
    await page.evaluate(() => ((window as unknown as { __quota: boolean }).__quota = true));
    const accepted = (await trackMany(page, 'during_quota', 10)).filter(Boolean).length;
    const violations = await stillWorks(page, errors);
    const mode = await read(page, 'storageMode');
    const counters = await read(page, 'counters');
    const after = (await readStored(page)).fields['n.before_quota'];
    const lost = Number(JSON.stringify(after) !== JSON.stringify(before));
    report({ scenario: 'Storage: QuotaExceededError on write', load: '25 events', faults: 'every write aborts with QuotaExceededError after 10 events', lost, duplicated: 0, violations: violations + Number(mode !== 'memory'), notes: `${accepted}/10 events accepted in memory; storageMode ${mode}; storage:fallback-memory ${counters['storage:fallback-memory'] ?? 0}; stored data kept` });
    expect(before).toEqual({ k: 'c', v: 10 });
    expect(after).toEqual(before);
    expect(violations).toBe(0);
    expect(mode).toBe('memory');
    expect(counters['storage:fallback-memory']).toBeGreaterThan(0);
    expect(counters['storage:fallback:QuotaExceededError']).toBeGreaterThan(0);
  });

  it('connection closed mid-session: reopens, stays durable, keeps sending', async () => {
    const { page, errors } = await open(BREAK.closable);
    await trackMany(page, 'before_close', 4);
    const { device } = await waitDrained(page);
    await page.evaluate(() => (window as unknown as { __dbs: IDBDatabase[] }).__dbs.forEach((db) => db.close()));
    const violations = await stillWorks(page, errors);
    const mode = await read(page, 'storageMode');
    // The events tracked in memory still reach the collector.
    await page.evaluate(() => (window as unknown as { OneToOne: { flush(): Promise<void> } }).OneToOne.flush());
    const remote = await waitFor(async () => {
      const f = (await env.server.store.device(device as string))?.fields['n.after_fault'];
      return f?.k === 'c' && f.v === 5 ? f : undefined;
    }, 15_000, 'the events tracked after the close at the collector').catch(() => undefined);
    const counters = await read(page, 'counters');
    report({ scenario: 'Storage: connection closed mid-session', load: '9 events', faults: 'IDBDatabase.close() under the SDK', lost: remote ? 0 : 5, duplicated: 0, violations: violations + Number(mode !== 'indexeddb'), notes: `storageMode ${mode}; storage:reopened ${counters['storage:reopened'] ?? 0}; storage:fallback-memory ${counters['storage:fallback-memory'] ?? 0}; events after the close delivered: ${remote ? 'yes' : 'no'}` });
    expect(violations).toBe(0);
    // The SDK opens its connection again instead of giving IndexedDB up (src/store/connection.ts).
    expect(mode).toBe('indexeddb');
    expect(counters['storage:reopened']).toBeGreaterThan(0);
    expect((await readStored(page)).fields['n.after_fault']).toEqual({ k: 'c', v: 5 });
    expect(remote).toBeDefined();
  });

  it('storage wiped between visits: the profile comes back from the backend', async () => {
    let { page, errors } = await open();
    await page.evaluate(() => (window as unknown as O2O).OneToOne.identify('user-wiped'));
    await trackMany(page, 'wiped_event', 7);
    const first = await waitDrained(page);
    // Left first: the SDK reopens a closed connection (src/store/connection.ts), so a page still running it
    // could recreate the database while or right after it is cleared.
    await page.goto('about:blank');
    const cdp = await context!.newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin: env.server.url, storageTypes: 'indexeddb,local_storage' });
    // Checked from a page of the origin that runs no SDK, without opening (and so recreating) the database.
    await page.goto(`${env.server.url}/v1/model`);
    await waitFor(async () => !(await page.evaluate(async () => (await indexedDB.databases()).some((d) => d.name === 'onetoone'))), 5000, 'the wiped database gone');
    await page.close();
    const second = await context!.newPage();
    errors = watchErrors(second);
    await second.goto(`${env.server.url}/test-pages/reliability-page.html?flush-interval-ms=100`);
    await second.waitForFunction(() => 'OneToOne' in window);
    await second.evaluate(() => (window as unknown as O2O).OneToOne.ready);
    page = second;
    const violations = await stillWorks(page, errors);
    await page.evaluate(() => (window as unknown as O2O).OneToOne.identify('user-wiped'));
    const restored = await waitFor(() => page.evaluate(() => (window as unknown as O2O).OneToOne.profile()?.number('n.wiped_event') || 0), 15_000, 'the pulled profile');
    const device = (await readStored(page)).device;
    report({ scenario: 'Storage: wiped between visits', load: '7 events, 2 visits', faults: 'IndexedDB and localStorage cleared (CDP)', lost: 7 - restored, duplicated: Math.max(0, restored - 7), violations, notes: `new device id ${device !== first.device ? 'yes' : 'no'}; n.wiped_event after identify + pull: ${restored}` });
    expect(restored).toBe(7);
    expect(violations).toBe(0);
  });

  it('IndexedDB alone cleared between visits: a clean new start, counted as storage:wiped, no error', async () => {
    let { page, errors } = await open();
    await trackMany(page, 'before_wipe', 3);
    const first = await readStored(page);
    // Left first, so no SDK connection of this origin can recreate the database while it is cleared.
    await page.goto('about:blank');
    const cdp = await context!.newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin: env.server.url, storageTypes: 'indexeddb' });
    await page.close();
    page = await context!.newPage();
    errors = watchErrors(page);
    await page.goto(`${env.server.url}/test-pages/reliability-page.html?flush-interval-ms=100`);
    await page.waitForFunction(() => 'OneToOne' in window);
    await page.evaluate(() => (window as unknown as O2O).OneToOne.ready);
    const violations = await stillWorks(page, errors);
    const counters = await read(page, 'counters');
    const second = await readStored(page);
    report({ scenario: 'Storage: IndexedDB alone cleared between visits', load: '3 + 5 events, 2 visits', faults: 'IndexedDB cleared (CDP), localStorage kept', lost: 0, duplicated: 0, violations, notes: `storage:wiped ${counters['storage:wiped'] ?? 0}; new device ${second.device !== first.device ? 'yes' : 'no'}; storageMode ${await read(page, 'storageMode')}` });
    expect(violations).toBe(0);
    expect(counters['storage:wiped']).toBe(1);
    expect(counters['storage:fallback-memory']).toBeUndefined();
    expect(await read(page, 'storageMode')).toBe('indexeddb');
    expect(second.fields['n.before_wipe']).toBeUndefined();
    expect(second.fields['n.after_fault']).toEqual({ k: 'c', v: 5 });
  });
});
