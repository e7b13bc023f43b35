/**
 * Consent under load: while consent is pending, a burst of events, an
 * identify and explicit flushes produce 0 requests and 0 bytes stored
 * (IndexedDB, localStorage, cookies); after `forget()` nothing is left in
 * the browser or at the collector.
 */
import { expect, it } from 'vitest';
import { describeBrowser, readIndexedDb, useBrowserAndServer } from '../browser/harness.js';
import { call, openSyncPage, read, trackMany, waitDrained } from '../browser/sync-helpers.js';
import { load, report } from './scale.js';
import { startCollector } from './server.js';

// More than the 500-event log even in the short run, so a grant that rebuilt the profile from the log would lose events.
const EVENTS = load(2000, 700);

describeBrowser('reliability: consent', () => {
  const env = useBrowserAndServer({ server: startCollector, context: true });

  it(`stores and sends nothing for ${EVENTS} events before consent, and forget() leaves nothing`, async () => {
    const page = await openSyncPage(env.context, env.server.url, { consent: 'pending' });
    await trackMany(page, 'pending_event', EVENTS);
    await page.evaluate(() => (window as unknown as { OneToOne: { identify(u: string): Promise<boolean> } }).OneToOne.identify('user-consent'));
    await call(page, 'flush');
    await page.waitForTimeout(500);
    const requestsBefore = env.server.requests.length;
    const bytesBefore = await page.evaluate(async () => {
      const dbs = await indexedDB.databases();
      let local = 0;
      for (let i = 0; i < localStorage.length; i++) local += (localStorage.key(i) ?? '').length + (localStorage.getItem(localStorage.key(i) ?? '') ?? '').length;
      return { databases: dbs.length, local, cookies: document.cookie.length };
    });
    const stored = bytesBefore.databases + bytesBefore.local + bytesBefore.cookies;

    await page.evaluate(() => (window as unknown as { OneToOne: { setConsent(s: string): Promise<void> } }).OneToOne.setConsent('granted'));
    const { device } = await waitDrained(page);
    const delivered = (await env.server.store.device(device as string))?.fields['n.pending_event'];
    await call(page, 'forget');
    // forget() does not stop tracking (README: setConsent('denied') does), so the page may already hold a fresh,
    // empty state under a new device id; what must be gone is everything of the forgotten visitor.
    const entries = (await readIndexedDb(page)).filter(([key, value]) => {
      if (key === 'device') return value === device;
      if (key === 'profile') return Object.keys((value as { own?: { fields?: object } }).own?.fields ?? {}).length > 0;
      if (key === 'queue' || key === 'outbox') return (value as unknown[]).length > 0;
      return Array.isArray(key);
    });
    const remoteDevice = await env.server.store.device(device as string);
    const remoteLog = (await env.server.store.received()).filter((b) => b.device === device).length;
    const pulled = (await (await fetch(`${env.server.url}/v1/profile?device=${device}&writeKey=test`)).json()) as { replica: object };
    const left = entries.length + Number(remoteDevice !== undefined) + remoteLog + Object.keys(pulled.replica).length;
    report({
      scenario: 'Consent',
      load: `${EVENTS} events + identify before consent`,
      faults: 'consent pending, then granted, then forget()',
      lost: delivered?.k === 'c' ? EVENTS - delivered.v : EVENTS,
      duplicated: 0,
      violations: requestsBefore + stored + left,
      notes: `before consent: ${requestsBefore} requests, ${stored} bytes stored (${bytesBefore.databases} databases); after forget(): ${entries.length} IndexedDB entries of the visitor, collector ${remoteDevice ? 'still has' : 'has no'} device, ${remoteLog} log entries; consent now ${await read(page, 'consent')}`,
    });
    expect(requestsBefore).toBe(0);
    expect(stored).toBe(0);
    expect(delivered).toEqual({ k: 'c', v: EVENTS });
    expect(left).toBe(0);
  });
});
