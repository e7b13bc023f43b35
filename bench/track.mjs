// Main-thread cost of 1,000 track() calls and of the IndexedDB writes that
// follow, in Chromium, with how many events were persisted. Not a test: it
// reports medians and ranges over fresh browser contexts.
// Usage: node bench/track.mjs [--runs N]   (build first: npx rollup -c)
// Main-thread time is Chromium's TaskDuration (CDP Performance.getMetrics)
// around the burst, minus a control round-trip of the same shape without track().
import { mkdirSync, writeFileSync } from 'node:fs';
import { launch, runsArg, serve, stats, taskMs } from './lib/browser.mjs';

const CALLS = 1000;
const RUNS = runsArg(7);
const page = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>track</title>
<script async src="/onetoone.min.js" data-endpoint="/" data-collect="false" data-flush-interval-ms="600000"></script></head><body></body></html>`;
const server = await serve({ '/track.html': { type: 'html', body: page }, '/onetoone.min.js': { type: 'js', file: 'dist/onetoone.min.js' } });
const browser = await launch();

/** One fresh visitor: control round-trip, then the burst; returns the figures. */
async function run() {
  const context = await browser.newContext();
  const p = await context.newPage();
  const cdp = await context.newCDPSession(p);
  await cdp.send('Performance.enable');
  await p.goto(server.url + '/track.html');
  await p.waitForFunction(() => window.OneToOne && window.OneToOne.ready);
  await p.evaluate(() => window.OneToOne.ready);
  await p.waitForTimeout(300);

  const c0 = await taskMs(cdp);
  await p.evaluate(async (n) => {
    const calls = [];
    for (let i = 0; i < n; i++) calls.push(Promise.resolve(true));
    await Promise.all(calls);
  }, CALLS);
  const control = (await taskMs(cdp)) - c0;

  const t0 = await taskMs(cdp);
  const inPage = await p.evaluate(async (n) => {
    const start = performance.now();
    const calls = [];
    for (let i = 0; i < n; i++) {
      calls.push(window.OneToOne.track('view_item', { items: [{ id: 'sku-' + (i % 200), category: 'c' + (i % 7), brand: 'b' + (i % 5), price: (i % 300) + 1 }] }));
    }
    const loopMs = performance.now() - start;
    const results = await Promise.all(calls);
    return { loopMs, durableMs: performance.now() - start, resolvedTrue: results.filter(Boolean).length };
  }, CALLS);
  const burst = (await taskMs(cdp)) - t0;

  const persisted = await p.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('onetoone');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const store = open.result.transaction('kv').objectStore('kv');
      const log = store.count(IDBKeyRange.bound(['e', 0], ['e', Infinity]));
      const profile = store.get('profile');
      profile.onsuccess = () => resolve({ logEntries: log.result, profileCount: profile.result.own.fields['n.view_item']?.v ?? 0 });
    };
  }));
  await context.close();
  return { mainThreadMs: burst - control, rawBurstMs: burst, controlMs: control, ...inPage, ...persisted };
}

const runs = [];
await run(); // warm-up (compilation caches), not reported
for (let i = 0; i < RUNS; i++) runs.push(await run());
await browser.close();
await server.close();

const result = {
  calls: CALLS,
  runs: RUNS,
  method: 'Chromium CDP Performance.getMetrics TaskDuration delta around the burst (all main-thread tasks: the loop, validation, folding, IndexedDB callbacks) minus a control evaluate of the same shape; loopMs/durableMs from performance.now() in the page',
  mainThreadMs: stats(runs.map((r) => r.mainThreadMs)),
  loopMs: stats(runs.map((r) => r.loopMs)),
  durableMs: stats(runs.map((r) => r.durableMs)),
  resolvedTrue: stats(runs.map((r) => r.resolvedTrue)),
  profileCount: stats(runs.map((r) => r.profileCount)),
  logEntries: stats(runs.map((r) => r.logEntries)),
  note: 'All calls resolve true only once durable; the profile counter shows every event folded in; the event log keeps the newest 500 (documented ring bound).',
  raw: runs,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/track.json', JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify({ mainThreadMs: result.mainThreadMs, loopMs: result.loopMs, durableMs: result.durableMs, resolvedTrue: result.resolvedTrue, profileCount: result.profileCount, logEntries: result.logEntries }, null, 2));
