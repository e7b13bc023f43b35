// Where the first file's CPU goes before the first decision: a CDP CPU profile
// (100 µs sampling) of an unminified build of src/script-tag.ts, from an inline
// `console.profile()` in the head to the moment a slot is marked decided, warm
// (second page view of a context) and cold. Self ms per function, mean over
// runs; the profiler's own overhead inflates every figure, so read it for the
// ranking, and bench/critical-path.mjs for the totals.
// Usage: node bench/first-profile.mjs [--runs N] [--top N]
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, runsArg, sdkRoutes, serve } from './lib/browser.mjs';

const RUNS = runsArg(5);
const TOP = Number(process.argv[process.argv.indexOf('--top') + 1]) || 25;
const SLOT = `<div data-o2o-slot="hero" style="min-height:120px"><h1>Default</h1>
<template data-o2o-variant="running" data-o2o-tags="running"><h1>Running</h1></template>
<template data-o2o-variant="camping" data-o2o-tags="camping"><h1>Camping</h1></template></div>
<article data-o2o-item="sku-1" data-o2o-category="running" data-o2o-price="129" data-o2o-main>Trail runner</article>`;
const HEAD_RULE = readFileSync('src/render/anti-flicker.css', 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
const END = `<script>console.profile('first');new MutationObserver((rs, o) => { for (const r of rs) if (r.target.getAttribute('data-o2o-state') === 'decided') { o.disconnect(); console.profileEnd('first'); return; } }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-o2o-state'] });</script>`;
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>bench</title><style>${HEAD_RULE}</style>${END}<script async src="/onetoone.min.js" data-endpoint="/"></script></head><body>${SLOT}</body></html>`;

/** The script-tag entry built without terser, so profiled functions keep their names. */
async function unminifiedBuild() {
  const [{ rollup }, { nodeResolve }, { default: esbuild }] = await Promise.all([import('rollup'), import('@rollup/plugin-node-resolve'), import('rollup-plugin-esbuild')]);
  const bundle = await rollup({ input: 'src/script-tag.ts', plugins: [nodeResolve({ browser: true }), esbuild({ target: 'es2020', tsconfig: 'tsconfig.json' })] });
  const file = join(mkdtempSync(join(tmpdir(), 'o2o-first-')), 'onetoone.js');
  await bundle.write({ file, format: 'iife', name: 'OneToOne', exports: 'default' });
  return file;
}

/** Self ms per function of one profile (url-less nodes keep their V8 names: (program), (garbage collector)…). */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const key = `${functionName || '(anonymous)'} ${url ? url.replace(/^.*\//, '') + ':' + (lineNumber + 1) : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  });
  return self;
}

const server = await serve({ '/page.html': { type: 'html', body: PAGE }, ...sdkRoutes(), '/onetoone.min.js': { type: 'js', file: await unminifiedBuild() } });
const browser = await launch();
const totals = { cold: new Map(), warm: new Map() };
for (let run = 0; run < RUNS; run++) {
  const context = await browser.newContext();
  for (const kind of ['cold', 'warm']) {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    const finished = new Promise((resolve) => cdp.on('Profiler.consoleProfileFinished', (e) => resolve(e.profile)));
    await page.goto(server.url + '/page.html');
    const profile = await Promise.race([finished, new Promise((_, reject) => setTimeout(() => reject(new Error('no first decision')), 10_000))]);
    for (const [key, ms] of selfTimes(profile)) totals[kind].set(key, (totals[kind].get(key) ?? 0) + ms / RUNS);
    // Let the second stage store the snapshot the warm view reads.
    await page.waitForTimeout(1500);
    await page.close();
  }
  await context.close();
}
await browser.close();
await server.close();
for (const kind of ['warm', 'cold']) {
  const rows = [...totals[kind]].filter(([key]) => key !== '(idle)').sort((a, b) => b[1] - a[1]);
  const busy = rows.reduce((sum, [, ms]) => sum + ms, 0);
  console.log(`\n${kind}: ${busy.toFixed(1)} ms non-idle main-thread samples from the head's console.profile() to the first decision (mean of ${RUNS}, profiler on)`);
  for (const [key, ms] of rows.slice(0, TOP)) console.log(`${ms.toFixed(2).padStart(7)}  ${key}`);
}
