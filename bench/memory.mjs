// Heap growth and IndexedDB usage after 10,000 tracked events: both must stay
// bounded (event ring, compacted queue, pruned profile fields).
// Usage: node bench/memory.mjs [--events N] [--json]
import { writeFileSync } from 'node:fs';
import { launch, serve, sdkRoutes } from './lib/browser.mjs';

const i = process.argv.indexOf('--events');
const EVENTS = i > 0 ? Number(process.argv[i + 1]) : 10_000;
const page = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>memory</title>
<script async src="/onetoone.min.js" data-endpoint="/" data-flush-interval-ms="600000"></script></head><body></body></html>`;
const server = await serve({ '/memory.html': { type: 'html', body: page }, ...sdkRoutes() });
const browser = await launch();
const context = await browser.newContext();
const p = await context.newPage();
const cdp = await context.newCDPSession(p);
await p.goto(server.url + '/memory.html');
await p.waitForFunction(() => window.OneToOne && window.OneToOne.ready);
await p.evaluate(() => window.OneToOne.ready);

async function heapMb() {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize / 1024 / 1024;
}
const usage = () => p.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);

const heapBefore = await heapMb();
const idbBefore = await usage();
const checkpoints = [];
const CATEGORIES = ['running', 'camping', 'cycling', 'climbing', 'swimming', 'yoga'];
for (let done = 0; done < EVENTS; ) {
  const n = Math.min(1000, EVENTS - done);
  const stored = await p.evaluate(async ({ start, n, categories }) => {
    const calls = [];
    for (let k = start; k < start + n; k++) {
      const category = categories[k % categories.length];
      calls.push(window.OneToOne.track('view_item', { items: [{ id: 'sku-' + (k % 300), category, brand: 'b' + (k % 17), price: (k % 250) + 5, tags: ['t' + (k % 40)] }] }));
    }
    return (await Promise.all(calls)).filter(Boolean).length;
  }, { start: done, n, categories: CATEGORIES });
  done += n;
  checkpoints.push({ events: done, stored, heapMb: Math.round((await heapMb()) * 100) / 100, idbBytes: await usage() });
}
const idb = await p.evaluate(() => new Promise((resolve) => {
  const open = indexedDB.open('onetoone');
  open.onsuccess = () => {
    const store = open.result.transaction('kv').objectStore('kv');
    const keys = store.getAllKeys();
    const profile = store.get('profile');
    const queue = store.get('queue');
    store.transaction.oncomplete = () => resolve({ keys: keys.result.length, profileFields: Object.keys(profile.result.own.fields).length, queue: queue.result.length });
  };
}));
await browser.close();
await server.close();

const last = checkpoints[checkpoints.length - 1];
const summary = {
  events: EVENTS,
  stored: checkpoints.reduce((sum, c) => sum + c.stored, 0),
  heapMb: { before: Math.round(heapBefore * 100) / 100, after: last.heapMb, growth: Math.round((last.heapMb - heapBefore) * 100) / 100 },
  idbBytes: { before: idbBefore, after: last.idbBytes },
  idbContents: idb,
  checkpoints,
};
writeFileSync('bench/results/memory.json', JSON.stringify(summary, null, 2) + '\n');
if (process.argv.includes('--json')) console.log(JSON.stringify(summary));
else {
  console.log(`after ${EVENTS} events: stored ${summary.stored}; heap ${summary.heapMb.before} → ${summary.heapMb.after} MB; storage estimate ${idbBefore} → ${last.idbBytes} bytes`);
  console.log(`IndexedDB keys ${idb.keys}, profile fields ${idb.profileFields}, queued deltas ${idb.queue}`);
  console.log('| events | heap MB | storage bytes |\n| --: | --: | --: |');
  for (const c of checkpoints) console.log(`| ${c.events} | ${c.heapMb} | ${c.idbBytes} |`);
}
