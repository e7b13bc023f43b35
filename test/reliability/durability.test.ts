/**
 * Durability: events tracked while the page is killed in every way a page
 * dies (the browser process SIGKILLed, the renderer crashed, a reload, a
 * back/forward navigation, a closed tab), each landing mid-write or mid-send.
 *
 * "Lost" means: an event whose `track()` promise resolved `true` (durable)
 * whose increment is missing from the collector after a final page drained
 * the queue — the collector's `n.rel_event` counter must be at least the
 * number of acknowledged events. "Duplicated" means the collector counts more
 * than were ever issued, or more than the browser itself has. Raw duplicate
 * sends (a batch re-sent with the same id, or deltas the collector skipped as
 * already applied) are reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { type TestServer, describeBrowser } from '../browser/harness.js';
import { openSyncPage, readStored, trackMany, waitDrained } from '../browser/sync-helpers.js';
import { type KillableBrowser, launchKillable } from './killable.js';
import { load, report } from './scale.js';
import { startCollector } from './server.js';

const EVENTS = load(10_000, 1_000);
const KILL_POINTS = load(50, 10);
const KILLS = ['browser SIGKILL', 'renderer crash', 'reload mid-write', 'back/forward mid-write', 'tab closed'] as const;
type Kill = (typeof KILLS)[number];

/** Fires `count` tracks in bursts a few ms apart without waiting, so the kill lands among writes and sends. */
function fireWithoutWaiting(page: Page, count: number): Promise<unknown> {
  return page
    .evaluate((c) => {
      const o2o = (window as unknown as { OneToOne: { track(n: string): Promise<boolean> } }).OneToOne;
      for (let i = 0; i < c; i += 10) setTimeout(() => { for (let j = i; j < Math.min(c, i + 10); j++) void o2o.track('rel_event'); }, i / 5);
    }, count)
    .catch(() => undefined);
}

describeBrowser('reliability: durability across kill points', () => {
  let server: TestServer;
  let chromium: KillableBrowser | undefined;
  const profileDir = mkdtempSync(join(tmpdir(), 'o2o-chromium-'));
  afterAll(async () => {
    await chromium?.kill();
    await server?.dispose();
    // A killed Chromium's helper processes can still be writing into its profile for a moment (ENOTEMPTY).
    rmSync(profileDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  it(`keeps every acknowledged event of ${EVENTS} across ${KILL_POINTS} kill points`, async () => {
    server = await startCollector();
    chromium = await launchKillable(profileDir);
    const perPoint = Math.floor(EVENTS / KILL_POINTS);
    let acknowledged = 0;
    let awaitedTotal = 0;
    let issued = 0;
    const kills: Record<string, number> = {};
    for (let point = 0; point < KILL_POINTS; point++) {
      const kill: Kill = KILLS[point % KILLS.length] as Kill;
      const t0 = Date.now();
      kills[kill] = (kills[kill] ?? 0) + 1;
      const page = await openSyncPage(chromium.context, server.url);
      const t1 = Date.now();
      // Half is awaited until durable, in chunks (one transaction each); the other half is in flight at the kill.
      const awaited = Math.floor(perPoint / 2);
      for (let done = 0; done < awaited; done += 25) {
        const results = await trackMany(page, 'rel_event', Math.min(25, awaited - done));
        acknowledged += results.filter(Boolean).length;
        awaitedTotal += results.length;
        issued += results.length;
      }
      const inFlight = perPoint - awaited;
      issued += inFlight;
      void fireWithoutWaiting(page, inFlight);
      await page.waitForTimeout(Math.floor(Math.random() * 40));
      if (kill === 'browser SIGKILL') {
        await chromium.kill();
        chromium = await launchKillable(profileDir);
      } else if (kill === 'renderer crash') {
        const cdp = await chromium.context.newCDPSession(page);
        void cdp.send('Page.crash').catch(() => undefined);
        await page.waitForEvent('crash', { timeout: 10_000 }).catch(() => undefined);
        await page.close().catch(() => undefined);
      } else if (kill === 'reload mid-write') {
        await page.reload().catch(() => undefined);
        await page.close();
      } else if (kill === 'back/forward mid-write') {
        await page.goto(`${server.url}/test-pages/sync-page.html?flush-interval-ms=100&page=2`, { waitUntil: 'commit' }).catch(() => undefined);
        await page.goBack({ waitUntil: 'commit', timeout: 5000 }).catch(() => undefined);
        await page.goForward({ waitUntil: 'commit', timeout: 5000 }).catch(() => undefined);
        await page.close();
      } else {
        await page.close();
      }
      if (process.env.O2O_TRACE) console.log(kill, 'open', t1 - t0, 'rest', Date.now() - t1);
    }
    const last = await openSyncPage(chromium.context, server.url);
    const stored = await waitDrained(last, 60_000);
    const device = stored.device as string;
    const local = stored.fields['n.rel_event'];
    const remote = (await server.store.device(device))?.fields['n.rel_event'];
    const localCount = local?.k === 'c' ? local.v : 0;
    const remoteCount = remote?.k === 'c' ? remote.v : 0;
    const batches = (await server.store.received()).filter((b) => b.device === device);
    const resent = batches.filter((b) => b.duplicate).length;
    const skipped = batches.reduce((sum, b) => sum + (b.duplicate ? 0 : b.deltas - b.applied), 0);
    const lost = Math.max(0, acknowledged - remoteCount);
    const duplicated = Math.max(0, remoteCount - issued) + Math.max(0, remoteCount - localCount);
    const devices = new Set((await server.store.received()).map((b) => b.device)).size;
    report({
      scenario: 'Durability',
      load: `${issued} events, ${KILL_POINTS} kill points`,
      faults: Object.entries(kills).map(([k, n]) => `${n}× ${k}`).join(', '),
      lost,
      duplicated,
      violations: devices - 1,
      notes: `${acknowledged} of ${awaitedTotal} awaited acknowledged durable, ${localCount} in IndexedDB, ${remoteCount} at the collector; raw duplicates sent: ${resent} re-sent batches, ${skipped} deltas skipped as already applied; ${batches.length} batches`,
    });
    // "Lost 0" counts only acknowledged events: anchor it. Every track() awaited in a live page, before any
    // kill, must have been acknowledged, so a client that never acknowledged could not pass as "nothing lost".
    expect(awaitedTotal).toBe(KILL_POINTS * Math.floor(perPoint / 2));
    expect(acknowledged).toBe(awaitedTotal);
    expect(remoteCount).toBeGreaterThanOrEqual(awaitedTotal);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    // One device throughout: a kill never costs the visitor their identity.
    expect(devices).toBe(1);
    expect((await server.store.device(device))?.fields).toEqual((await readStored(last)).fields);
  });
});
