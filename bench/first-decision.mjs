// `npm run bench:first-decision`: main-thread CPU (ThreadTime) of a fresh page load up to the hero slot
// decided, beyond an empty page, for the preact + idb-keyval floor and for the script-tag core alone (its
// second stage is not served, so only what runs before the first decision is counted). Cold: a fresh
// context. Warm: the context first visits the page with the full build (stage served) so that a profile
// and its decision snapshot are stored, then the core-only page is measured. Issue #16's target is the
// floor + 3 ms. Not a test: medians and ranges.
// Usage: node bench/first-decision.mjs [--runs N] [--baseline DIR] [--json]   (build first)
//   --baseline DIR  also measure the script-tag files in DIR (an earlier build), alternated with this one
import { buildFloor } from './lib/build-floor.mjs';
import { DIST, launch, runsArg, serve, stats, threadMs } from './lib/browser.mjs';

const RUNS = runsArg(15);
const baselineAt = process.argv.indexOf('--baseline');
const SLOT = `<div data-o2o-slot="hero" style="min-height:120px"><h1>Default</h1><template data-o2o-variant="running" data-o2o-tags="running"><h1>Running</h1></template></div><article data-o2o-item="sku-1" data-o2o-category="running" data-o2o-price="129" data-o2o-main>Trail runner</article>`;
const RULE = '<style>[data-o2o-slot]:not([data-o2o-state]){visibility:hidden;animation:o2o-reveal 0s 300ms forwards}@keyframes o2o-reveal{to{visibility:visible}}</style>';
const page = (head) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">${head}</head><body>${SLOT}</body></html>`;
const builds = { after: DIST, ...(baselineAt > 0 ? { before: process.argv[baselineAt + 1] } : {}) };
const routes = { '/empty.html': { type: 'html', body: page('') }, '/floor.html': { type: 'html', body: page('<script async src="/floor.js"></script>') }, '/floor.js': { type: 'js', file: await buildFloor() } };
for (const [name, dir] of Object.entries(builds)) {
  routes[`/${name}/full/page.html`] = { type: 'html', body: page(RULE + `<script async src="/${name}/full/onetoone.min.js" data-endpoint="/"></script>`) };
  routes[`/${name}/core/page.html`] = { type: 'html', body: page(RULE + `<script async src="/${name}/core/onetoone.min.js" data-endpoint="/"></script>`) };
  for (const f of ['onetoone.min.js', 'onetoone-stage.min.js']) routes[`/${name}/full/${f}`] = { type: 'js', file: `${dir}/${f}` };
  routes[`/${name}/core/onetoone.min.js`] = { type: 'js', file: `${dir}/onetoone.min.js` };
}
const server = await serve(routes);
const browser = await launch();
const decided = (p) => p.waitForFunction(() => document.querySelector('[data-o2o-state=decided]'), undefined, { timeout: 5000 }).catch(() => undefined);
async function cpu(path, warmWith) {
  const context = await browser.newContext();
  if (warmWith) { const w = await context.newPage(); await w.goto(server.url + warmWith); await decided(w); await w.waitForTimeout(1500); await w.close(); }
  const p = await context.newPage();
  const cdp = await context.newCDPSession(p);
  await cdp.send('Performance.enable');
  await p.goto(server.url + path, { waitUntil: 'load' });
  if (path !== '/empty.html' && path !== '/floor.html') await decided(p);
  else await p.waitForTimeout(50);
  const ms = await threadMs(cdp);
  const shown = await p.evaluate(() => document.querySelector('[data-o2o-slot]')?.getAttribute('data-o2o-shown'));
  await context.close();
  return { ms, shown };
}
const r = { empty: [], floor: [], afterCold: [], beforeCold: [], afterWarm: [], beforeWarm: [] };
const shown = {};
for (let i = 0; i < RUNS; i++) {
  r.empty.push((await cpu('/empty.html')).ms);
  r.floor.push((await cpu('/floor.html')).ms);
  for (const name of Object.keys(builds)) {
    r[name + 'Cold'].push((await cpu(`/${name}/core/page.html`)).ms);
    const warm = await cpu(`/${name}/core/page.html`, `/${name}/full/page.html`);
    r[name + 'Warm'].push(warm.ms);
    shown[name] = warm.shown;
  }
}
const beyond = (k) => stats(r[k].map((v, i) => v - r.empty[i]));
const summary = { runs: RUNS, cpuBeyondEmptyMs: Object.fromEntries(Object.keys(r).filter((k) => k !== 'empty' && r[k].length).map((k) => [k, beyond(k)])), warmShown: shown };
if (process.argv.includes('--json')) console.log(JSON.stringify(summary));
else {
  console.log(`main-thread CPU ms beyond an empty page, load → first decision, ${RUNS} fresh contexts each`);
  console.log('| measure | median | range |\n| --- | --: | --: |');
  const names = { floor: 'floor (preact + idb-keyval)', afterCold: 'core, cold', afterWarm: 'core, warm', beforeCold: 'baseline core, cold', beforeWarm: 'baseline core, warm' };
  for (const [k, s] of Object.entries(summary.cpuBeyondEmptyMs)) console.log(`| ${names[k]} | ${s.median} | ${s.min}–${s.max} |`);
  console.log('warm variant shown:', JSON.stringify(shown));
}
await browser.close(); server.close?.();
process.exit(0);
