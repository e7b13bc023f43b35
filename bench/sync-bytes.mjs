// Bytes synced for a typical session (page views, item views, cart, checkout)
// as deltas, against sending the whole stored profile once per batch, and what
// the decision log adds (`POST /v1/decisions`: one hero slot of three variants
// per page, its impressions and the carts credited to it).
// Usage: node bench/sync-bytes.mjs [--runs N] [--json]
import { writeFileSync } from 'node:fs';
import { launch, runsArg, serve, stats, sdkRoutes } from './lib/browser.mjs';

const RUNS = runsArg(5);
const items = ['running', 'running', 'camping', 'running'].map((c, i) =>
  `<article data-o2o-item="sku-${i}" data-o2o-category="${c}" data-o2o-brand="b${i}" data-o2o-price="${40 + i * 30}" data-o2o-tags="t${i},outdoor" style="height:120px">Item ${i}</article>`).join('');
const hero = '<div data-o2o-slot="hero" style="height:200px"><h1>Default</h1>' +
  ['running', 'camping', 'deals'].map((v) => `<template data-o2o-variant="${v}" data-o2o-tags="${v}"><h1>${v}</h1></template>`).join('') + '</div>';
const page = (path) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${path}</title>
<script async src="/onetoone.min.js" data-endpoint="/" data-flush-interval-ms="500"></script></head>
<body data-o2o-page="${path === '/p.html' ? 'product' : 'home'}">${hero}${path === '/p.html' ? '<article data-o2o-item="sku-main" data-o2o-category="running" data-o2o-price="129" data-o2o-main>Main</article>' : ''}${items}</body></html>`;
const server = await serve({ '/h.html': { type: 'html', body: page('/h.html') }, '/p.html': { type: 'html', body: page('/p.html') }, ...sdkRoutes() });
const browser = await launch();

const profileBytes = (p) => p.evaluate(() => new Promise((resolve) => {
  const open = indexedDB.open('onetoone');
  open.onsuccess = () => {
    const get = open.result.transaction('kv').objectStore('kv').get('profile');
    get.onsuccess = () => resolve(new TextEncoder().encode(JSON.stringify(get.result)).length);
  };
}));

const perRun = [];
for (let run = 0; run < RUNS; run++) {
  server.posts.length = 0;
  const context = await browser.newContext();
  const p = await context.newPage();
  const profileSizes = [];
  for (const path of ['/h.html', '/p.html', '/h.html', '/p.html']) {
    await p.goto(server.url + path);
    await p.waitForFunction(() => window.OneToOne && window.OneToOne.ready);
    await p.waitForTimeout(1300); // item views need 1 s of visibility
    await p.evaluate(() => window.OneToOne.track('add_to_cart', { items: [{ id: 'sku-main', category: 'running', price: 129 }] }));
    await p.evaluate(() => window.OneToOne.flush());
    profileSizes.push(await profileBytes(p));
  }
  await p.evaluate(() => window.OneToOne.track('begin_checkout'));
  await p.evaluate(() => window.OneToOne.flush());
  profileSizes.push(await profileBytes(p));
  await context.close();
  const batches = server.posts.filter((x) => x.path.endsWith('/v1/batch'));
  const deltaBytes = batches.reduce((sum, x) => sum + x.bytes, 0);
  // Whole-profile sync would send the stored profile each time we sent a batch.
  const wholeBytes = batches.length * (profileSizes.reduce((a, b) => a + b, 0) / profileSizes.length);
  const logs = server.posts.filter((x) => x.path.endsWith('/v1/decisions'));
  perRun.push({ logRequests: logs.length, logBytes: logs.reduce((sum, x) => sum + x.bytes, 0), batches: batches.length, deltaBytes, perBatch: deltaBytes / Math.max(1, batches.length), wholeBytes, finalProfileBytes: profileSizes[profileSizes.length - 1] });
}
await browser.close();
await server.close();

const summary = {
  runs: RUNS,
  session: '4 page views (home, product, home, product) each with a hero slot of 3 variants, item views, 4 add_to_cart, 1 begin_checkout; flush after each step',
  decisionLogRequests: stats(perRun.map((r) => r.logRequests)),
  decisionLogBytesPerSession: stats(perRun.map((r) => r.logBytes)),
  batches: stats(perRun.map((r) => r.batches)),
  deltaBytesPerSession: stats(perRun.map((r) => r.deltaBytes)),
  deltaBytesPerBatch: stats(perRun.map((r) => r.perBatch)),
  wholeProfileBytesPerSession: stats(perRun.map((r) => r.wholeBytes)),
  finalProfileBytes: stats(perRun.map((r) => r.finalProfileBytes)),
};
writeFileSync('bench/results/sync-bytes.json', JSON.stringify(summary, null, 2) + '\n');
if (process.argv.includes('--json')) console.log(JSON.stringify(summary));
else {
  console.log(`typical session, ${RUNS} runs: ${summary.batches.median} batches`);
  console.log(`decision log: ${summary.decisionLogBytesPerSession.median} B per session in ${summary.decisionLogRequests.median} requests (4 decisions and their outcomes)`);
  console.log(`deltas: ${summary.deltaBytesPerSession.median} B per session (${summary.deltaBytesPerBatch.median} B per batch); whole profiles: ${summary.wholeProfileBytesPerSession.median} B; final profile ${summary.finalProfileBytes.median} B`);
}
