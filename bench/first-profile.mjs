// Where the first file's CPU goes before the first decision: a CDP CPU profile
// (100 µs sampling) of an unminified build of the script tag's two files, from an inline
// `console.profile()` in the head to the moment a slot is marked decided, warm
// (second page view of a context) and cold. Self ms per function, mean over
// runs; the profiler's own overhead inflates every figure, so read it for the
// ranking, and bench/critical-path.mjs for the totals.
// Usage: node bench/first-profile.mjs [--runs N] [--top N]
import { launch, runsArg, serve } from './lib/browser.mjs';
import { SLOT, HEAD_RULE } from './lib/slot-page.mjs';
import { selfTimes, unminifiedScriptTag } from './lib/profile.mjs';

const RUNS = runsArg(5);
const TOP = Number(process.argv[process.argv.indexOf('--top') + 1]) || 25;
const END = `<script>console.profile('first');new MutationObserver((rs, o) => { for (const r of rs) if (r.target.getAttribute('data-o2o-state') === 'decided') { o.disconnect(); console.profileEnd('first'); return; } }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-o2o-state'] });</script>`;
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>bench</title><style>${HEAD_RULE}</style>${END}<script async src="/onetoone.min.js" data-endpoint="/"></script></head><body>${SLOT}</body></html>`;

const unminified = await unminifiedScriptTag();
const server = await serve({ '/page.html': { type: 'html', body: PAGE }, '/onetoone.min.js': { type: 'js', file: unminified.core }, '/onetoone-stage.min.js': { type: 'js', file: unminified.stage } });
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
