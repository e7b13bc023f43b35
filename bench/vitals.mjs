// Cumulative layout shift caused by our slot swaps and the effect on
// Interaction to Next Paint while tracking, both measured with web-vitals,
// with and without OneToOne on the same markup.
// Usage: node bench/vitals.mjs [--runs N] [--json]
import { readFileSync, writeFileSync } from 'node:fs';
import { launch, runsArg, serve, stats, sdkRoutes } from './lib/browser.mjs';

const RUNS = runsArg(7);
const vitals = readFileSync('node_modules/web-vitals/dist/web-vitals.iife.js', 'utf8');
const body = `<main style="font:16px system-ui">
<div data-o2o-slot="hero" style="min-height:160px;contain:layout"><h1>Default hero</h1><p>Default text</p>
<template data-o2o-variant="running" data-o2o-tags="running"><h1>Run further</h1><p>Trail shoes for you.</p></template>
<template data-o2o-variant="camping" data-o2o-tags="camping"><h1>Nights outside</h1><p>Tents for you.</p></template></div>
<article data-o2o-item="sku-1" data-o2o-category="running" data-o2o-price="129" data-o2o-main>Trail runner</article>
${Array.from({ length: 20 }, (_, i) => `<button data-o2o-item="sku-b${i}" data-o2o-category="running" style="display:block;margin:4px">Item ${i}</button>`).join('')}
<p>${'Lorem ipsum dolor sit amet. '.repeat(80)}</p></main>`;
// The documented head rule (docs/markup.md) a site adds so slots stay hidden until decided.
const ANTI_FLICKER = '[data-o2o-slot]:not([data-o2o-state]){visibility:hidden;animation:o2o-reveal 0s 300ms forwards}@keyframes o2o-reveal{to{visibility:visible}}';
const html = (sdk) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>vitals</title><style>${ANTI_FLICKER}</style>${sdk ? '<script async src="/onetoone.min.js" data-endpoint="/"></script>' : ''}</head><body>${body}</body></html>`;
const server = await serve({
  '/with.html': { type: 'html', body: html(true) },
  '/without.html': { type: 'html', body: html(false) },
  ...sdkRoutes(),
});
const browser = await launch();
const OBSERVE = () => {
  window.__cls = 0;
  window.__inp = 0;
  addEventListener('DOMContentLoaded', () => {
    window.webVitals.onCLS((m) => (window.__cls = m.value), { reportAllChanges: true });
    window.webVitals.onINP((m) => (window.__inp = m.value), { reportAllChanges: true, durationThreshold: 0 });
  });
};

async function measure(path, warm) {
  const context = await browser.newContext();
  await context.addInitScript({ content: vitals });
  await context.addInitScript(OBSERVE);
  const p = await context.newPage();
  if (warm) {
    await p.goto(server.url + path);
    await p.waitForTimeout(300);
  }
  await p.goto(server.url + path);
  await p.waitForTimeout(1500);
  for (let i = 0; i < 20; i++) await p.click(`[data-o2o-item="sku-b${i}"]`);
  await p.waitForTimeout(300);
  const result = await p.evaluate(() => ({ cls: window.__cls, inp: window.__inp, shown: document.querySelector('[data-o2o-slot]')?.getAttribute('data-o2o-shown') ?? null }));
  await context.close();
  return result;
}

const rows = { without: [], cold: [], warm: [] };
for (let run = 0; run < RUNS; run++) {
  rows.without.push(await measure('/without.html', false));
  rows.cold.push(await measure('/with.html', false));
  rows.warm.push(await measure('/with.html', true));
}
await browser.close();
await server.close();

const summary = { runs: RUNS };
for (const [name, list] of Object.entries(rows)) {
  summary[name] = { cls: stats(list.map((r) => r.cls)), inpMs: stats(list.map((r) => r.inp)), shown: [...new Set(list.map((r) => r.shown))] };
}
writeFileSync('bench/results/vitals.json', JSON.stringify(summary, null, 2) + '\n');
if (process.argv.includes('--json')) console.log(JSON.stringify(summary));
else {
  console.log(`web-vitals, ${RUNS} fresh contexts each, 20 clicks on tracked items per page`);
  console.log('(INP 0 means no interaction reached the Event Timing floor of 16 ms)');
  console.log('| page | CLS max | INP median (ms) | INP range | variant shown |\n| --- | --: | --: | --: | --- |');
  for (const [name, s] of Object.entries(summary)) if (name !== 'runs') console.log(`| ${name} | ${s.cls.max} | ${s.inpMs.median} | ${s.inpMs.min}–${s.inpMs.max} | ${s.shown.join(', ')} |`);
}
