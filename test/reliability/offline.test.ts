/**
 * Offline: days without a network (Playwright's fake clock jumps an hour at a
 * time, firing the sender's retry timers), events all along, then `online`.
 * Everything must arrive, the queue must stay bounded by the number of
 * profile keys (deltas compact per key) rather than grow with events, and
 * delivery must finish within a minute of `online` in real time.
 */
import { expect, it } from 'vitest';
import { describeBrowser, useBrowserAndServer } from '../browser/harness.js';
import { openSyncPage, read, readStored, trackMany, waitDrained } from '../browser/sync-helpers.js';
import { load, report } from './scale.js';
import { startCollector } from './server.js';

const DAYS = 3;
const EVENTS = load(5000, 720);
const NAMES = Array.from({ length: 12 }, (_, i) => `offline_${i}`);
const CATEGORIES = ['running', 'camping', 'climbing', 'cycling', 'swimming', 'hiking'];

describeBrowser('reliability: offline for days', () => {
  // The page's fake clock runs days ahead of the collector's real one: field times must not be refused as future.
  const env = useBrowserAndServer({ server: () => startCollector({ bounds: { maxFutureMs: 30 * 24 * 3600_000 } }), context: true });

  it(`delivers ${EVENTS} events tracked over ${DAYS} offline days within a minute of online`, async () => {
    await env.context.clock.install({ time: Date.now() });
    const page = await openSyncPage(env.context, env.server.url);
    await trackMany(page, 'before_offline', 1);
    await waitDrained(page);
    await env.context.setOffline(true);
    const hours = DAYS * 24;
    const perHour = Math.ceil(EVENTS / hours);
    let tracked = 0;
    let maxQueue = 0;
    let maxBytes = 0;
    const issued: Record<string, number> = {};
    for (let hour = 0; hour < hours; hour++) {
      const n = Math.min(perHour, EVENTS - tracked);
      const names = Array.from({ length: n }, (_, k) => NAMES[(hour + k) % NAMES.length] as string);
      for (const name of names) issued[name] = (issued[name] ?? 0) + 1;
      const ok = await page.evaluate(
        ([list, cats]) => {
          const o2o = (window as unknown as { OneToOne: { track(n: string, p?: unknown): Promise<boolean> } }).OneToOne;
          return Promise.all((list as string[]).map((name, k) => o2o.track(name, { items: [{ item_id: `sku-${k}`, item_category: (cats as string[])[k % (cats as string[]).length] }] })));
        },
        [names, CATEGORIES] as const,
      );
      expect(ok.every(Boolean)).toBe(true);
      tracked += n;
      const stored = await readStored(page);
      maxQueue = Math.max(maxQueue, stored.queue.length + stored.outbox.reduce((sum, b) => sum + b.deltas.length, 0));
      maxBytes = Math.max(maxBytes, JSON.stringify(stored.queue).length + JSON.stringify(stored.outbox).length);
      await env.context.clock.fastForward('01:00:00');
    }
    const retries = (await read(page, 'counters'))['sync:retry'] ?? 0;
    const before = await readStored(page);
    const started = Date.now();
    await env.context.setOffline(false);
    const stored = await waitDrained(page, 60_000);
    const deliveredMs = Date.now() - started;
    const remote = (await env.server.store.device(stored.device as string))?.fields ?? {};
    let lost = 0;
    let duplicated = 0;
    for (const [name, count] of Object.entries(issued)) {
      const at = remote['n.' + name];
      const v = at?.k === 'c' ? at.v : 0;
      lost += Math.max(0, count - v);
      duplicated += Math.max(0, v - count);
    }
    const keys = Object.keys(stored.fields).length;
    report({
      scenario: 'Offline',
      load: `${tracked} events over ${DAYS} days (fake clock)`,
      faults: `offline ${DAYS} days, ${retries} failed retries`,
      lost,
      duplicated,
      violations: Number(deliveredMs > 60_000) + Number(maxQueue > 2 * keys),
      notes: `queue at most ${maxQueue} deltas (queue + waiting batch) / ${(maxBytes / 1024).toFixed(1)} KiB for ${tracked} events (${keys} profile keys); ${before.outbox.length} batch(es) waiting; delivered ${deliveredMs} ms after online`,
    });
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(deliveredMs).toBeLessThan(60_000);
    // Bounded by keys, not events: one cut batch waiting in the outbox plus the queue after it, each at most one delta per key.
    expect(maxQueue).toBeLessThanOrEqual(2 * keys);
    expect(remote).toEqual(stored.fields);
  });
});
