// Load + init main-thread work of OneToOne against an empty page and the
// preact + idb-keyval floor, measured in one run with fresh browser contexts,
// plus the time from script start to the first slot swapped (cold and warm).
// Usage: node bench/load-init.mjs [--runs N] [--json] [--baseline DIR]
//   --baseline DIR  also load the script-tag files in DIR (an earlier build) in the same
//                   run, alternated with this one, so a change is judged on one machine state
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync } from 'node:zlib';
import { buildFloor } from './lib/build-floor.mjs';
import { DIST, launch, runsArg, serve, stats, taskMs, threadMs, sdkRoutes } from './lib/browser.mjs';
import { HEAD_RULE, SLOT } from './lib/slot-page.mjs';

const RUNS = runsArg(15);
// The documented head rule (docs/markup.md): without it an async script that runs after first paint
// finds the slot already seen, keeps its default ("late") and there is no swap to time.
const HEAD = `<style>${HEAD_RULE}</style>`;
const page = (head, body = '') => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>bench</title>${head}</head><body>${body}</body></html>`;

const floorFile = await buildFloor();
const baselineAt = process.argv.indexOf('--baseline');
const BASELINE = baselineAt > 0 ? process.argv[baselineAt + 1] : undefined;
const baselineRoutes = {};
if (BASELINE) {
  for (const name of ['onetoone.min.js', 'onetoone-stage.min.js', 'onetoone-dialog.min.js']) {
    if (existsSync(`${BASELINE}/${name}`)) baselineRoutes[`/base/${name}`] = { type: 'js', file: `${BASELINE}/${name}` };
  }
}
const server = await serve({
  '/empty.html': { type: 'html', body: page('', SLOT) },
  '/floor.html': { type: 'html', body: page('<script async src="/floor.js"></script>', SLOT) },
  '/onetoone.html': { type: 'html', body: page(HEAD + '<script async src="/onetoone.min.js" data-endpoint="/"></script>', SLOT) },
  '/baseline.html': { type: 'html', body: page(HEAD + '<script async src="/base/onetoone.min.js" data-endpoint="/"></script>', SLOT) },
  '/floor.js': { type: 'js', file: floorFile },
  ...sdkRoutes(),
  ...baselineRoutes,
});
const browser = await launch();

/** Main-thread task ms for one fresh load of `path`, after the page settles. */
async function loadCost(path) {
  const context = await browser.newContext();
  const p = await context.newPage();
  const cdp = await context.newCDPSession(p);
  await cdp.send('Performance.enable');
  await p.goto(server.url + path, { waitUntil: 'load' });
  await p.waitForTimeout(400);
  const ms = await taskMs(cdp);
  const cpu = await threadMs(cdp);
  await context.close();
  return { ms, cpu };
}

/** ms from the script's response end to the hero slot being decided, in one context. */
async function timeToSwap(p) {
  return p.evaluate(() => new Promise((resolve) => {
    const check = () => {
      const slot = document.querySelector('[data-o2o-state=decided]');
      const entry = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/onetoone.min.js'));
      if (slot && entry && window.__o2oSwapAt) resolve({ ms: window.__o2oSwapAt - entry.responseEnd, variant: slot.getAttribute('data-o2o-shown'), group: window.OneToOne?.decide('hero')?.group });
      else setTimeout(check, 20);
    };
    check();
  }));
}

const RECORD_SWAP = () => {
  new MutationObserver((records) => {
    for (const r of records) if (r.attributeName === 'data-o2o-state' && r.target.getAttribute('data-o2o-state') === 'decided' && !window.__o2oSwapAt) window.__o2oSwapAt = performance.now();
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-o2o-state'] });
};

/** Cold and warm script start → slot swapped for the page at `path`, in one fresh context. */
async function swapTimes(path) {
  const context = await browser.newContext();
  await context.addInitScript(RECORD_SWAP);
  const p = await context.newPage();
  await p.goto(server.url + path);
  const cold = await timeToSwap(p);
  await p.waitForTimeout(1200);
  await p.reload();
  const warm = await timeToSwap(p);
  // A visitor in the 5% holdout keeps the default by design; the decision is still timed.
  if (warm.variant !== 'running' && warm.group !== 'holdout') throw new Error(`warm profile should show "running", showed ${warm.variant} (${warm.group})`);
  await context.close();
  return { cold: cold.ms, warm: warm.ms };
}

const results = { empty: [], floor: [], onetoone: [], baseline: [], swapCold: [], swapWarm: [], baselineSwapCold: [], baselineSwapWarm: [] };
const cpuResults = { empty: [], floor: [], onetoone: [], baseline: [] };
const pages = BASELINE ? ['empty', 'floor', 'onetoone', 'baseline'] : ['empty', 'floor', 'onetoone'];
for (let run = 0; run < RUNS; run++) {
  // Alternate the order so drift on a noisy machine hits every variant alike.
  const order = run % 2 ? [...pages].reverse() : pages;
  for (const name of order) {
    const { ms, cpu } = await loadCost(`/${name}.html`);
    results[name].push(ms);
    cpuResults[name].push(cpu);
  }
  const swaps = BASELINE && run % 2 ? [['baseline', '/baseline.html'], ['onetoone', '/onetoone.html']] : [['onetoone', '/onetoone.html'], ['baseline', '/baseline.html']];
  for (const [name, path] of swaps.slice(0, BASELINE ? 2 : 1)) {
    const { cold, warm } = await swapTimes(path);
    if (name === 'onetoone') results.swapCold.push(cold), results.swapWarm.push(warm);
    else results.baselineSwapCold.push(cold), results.baselineSwapWarm.push(warm);
  }
}
await browser.close();
await server.close();

const brotli = (file) => brotliCompressSync(readFileSync(file)).length;
const empty = stats(results.empty);
const summary = {
  runs: RUNS,
  mainThreadMs: { empty, floor: stats(results.floor), onetoone: stats(results.onetoone) },
  beyondEmptyMs: {
    floor: stats(results.floor.map((v, i) => v - results.empty[i])),
    onetoone: stats(results.onetoone.map((v, i) => v - results.empty[i])),
  },
  onetooneMinusFloorMs: stats(results.onetoone.map((v, i) => v - results.floor[i])),
  // The same with main-thread CPU time, which other processes on a shared machine do not inflate.
  cpuBeyondEmptyMs: {
    floor: stats(cpuResults.floor.map((v, i) => v - cpuResults.empty[i])),
    onetoone: stats(cpuResults.onetoone.map((v, i) => v - cpuResults.empty[i])),
  },
  cpuOnetooneMinusFloorMs: stats(cpuResults.onetoone.map((v, i) => v - cpuResults.floor[i])),
  scriptStartToSlotMs: { cold: stats(results.swapCold), warm: stats(results.swapWarm) },
  brotliBytes: { floor: brotli(floorFile), onetoone: brotli(`${DIST}/onetoone.min.js`) },
};
if (BASELINE) {
  summary.baseline = {
    dir: BASELINE,
    beyondEmptyMs: stats(results.baseline.map((v, i) => v - results.empty[i])),
    onetooneMinusBaselineMs: stats(results.onetoone.map((v, i) => v - results.baseline[i])),
    cpuBeyondEmptyMs: stats(cpuResults.baseline.map((v, i) => v - cpuResults.empty[i])),
    cpuOnetooneMinusBaselineMs: stats(cpuResults.onetoone.map((v, i) => v - cpuResults.baseline[i])),
    scriptStartToSlotMs: { cold: stats(results.baselineSwapCold), warm: stats(results.baselineSwapWarm) },
  };
}
writeFileSync('bench/results/load-init.json', JSON.stringify(summary, null, 2) + '\n');
if (process.argv.includes('--json')) console.log(JSON.stringify(summary));
else {
  const row = (label, s) => `| ${label} | ${s.median} | ${s.min}–${s.max} |`;
  console.log(`load + init, ${RUNS} fresh contexts each (ms of main-thread task time)`);
  console.log('| measure | median | range |\n| --- | --: | --: |');
  console.log(row('empty page (absolute)', empty));
  console.log(row('floor: preact + idb-keyval, beyond empty', summary.beyondEmptyMs.floor));
  console.log(row('OneToOne, beyond empty', summary.beyondEmptyMs.onetoone));
  console.log(row('OneToOne minus floor', summary.onetooneMinusFloorMs));
  console.log(row('CPU: floor beyond empty', summary.cpuBeyondEmptyMs.floor));
  console.log(row('CPU: OneToOne beyond empty', summary.cpuBeyondEmptyMs.onetoone));
  console.log(row('CPU: OneToOne minus floor', summary.cpuOnetooneMinusFloorMs));
  console.log(row('script start → slot swapped, cold', summary.scriptStartToSlotMs.cold));
  console.log(row('script start → slot swapped, warm', summary.scriptStartToSlotMs.warm));
  if (BASELINE) {
    console.log(row(`baseline (${BASELINE}), beyond empty`, summary.baseline.beyondEmptyMs));
    console.log(row('OneToOne minus baseline', summary.baseline.onetooneMinusBaselineMs));
    console.log(row('CPU: baseline beyond empty', summary.baseline.cpuBeyondEmptyMs));
    console.log(row('CPU: OneToOne minus baseline', summary.baseline.cpuOnetooneMinusBaselineMs));
    console.log(row('baseline: script start → slot swapped, cold', summary.baseline.scriptStartToSlotMs.cold));
    console.log(row('baseline: script start → slot swapped, warm', summary.baseline.scriptStartToSlotMs.warm));
  }
  console.log(`brotli bytes: floor ${summary.brotliBytes.floor}, OneToOne ${summary.brotliBytes.onetoone}`);
}
