// Main-thread cost of 1,000 track() calls and of the IndexedDB writes that
// follow, in Chromium, with how many events were persisted. Not a test: it
// reports medians and ranges over fresh browser contexts.
// Usage: node bench/track.mjs [--runs N]   (build first: npx rollup -c)
//        node bench/track.mjs --profile     (CDP CPU profile of the burst on an
//        unminified build of both script-tag files; prints the top self-time functions)
//        node bench/track.mjs --compare OTHER.min.js [--runs N]   (alternates
//        runs of dist/onetoone.min.js and OTHER (with OTHER-stage.min.js beside it, if any) in one window, so a noisy machine
//        affects both alike; prints both and the ratio of medians)
// Main-thread time is Chromium's TaskDuration (CDP Performance.getMetrics)
// around the burst, minus a control round-trip of the same shape without track().
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { launch, runsArg, serve, stats, taskMs } from './lib/browser.mjs';
import { selfTimes, unminifiedScriptTag } from './lib/profile.mjs';

const callsAt = process.argv.indexOf('--calls');
const CALLS = callsAt > 0 ? Number(process.argv[callsAt + 1]) : 1000;
const RUNS = runsArg(7);
const page = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>track</title>
<script async src="onetoone.min.js" data-endpoint="/" data-collect="false" data-flush-interval-ms="600000"></script></head><body></body></html>`;
const PROFILE = process.argv.includes('--profile');
const compareAt = process.argv.indexOf('--compare');
const OTHER = compareAt > 0 ? process.argv[compareAt + 1] : undefined;
// With --profile both files are built unminified (the burst runs in the second stage).
const unminified = PROFILE ? await unminifiedScriptTag() : undefined;
const server = await serve({
  '/track.html': { type: 'html', body: page },
  '/other/track.html': { type: 'html', body: page },
  '/onetoone.min.js': { type: 'js', file: unminified?.core ?? 'dist/onetoone.min.js' },
  ...(OTHER ? { '/other/onetoone.min.js': { type: 'js', file: OTHER } } : {}),
  // The second stage (sync, offers) loads from next to the core script, as on a site.
  ...stage('/onetoone-stage.min.js', unminified?.stage ?? 'dist/onetoone-stage.min.js'),
  ...(OTHER ? stage('/other/onetoone-stage.min.js', OTHER.replace(/\.min\.js$/, '-stage.min.js')) : {}),
});
function stage(path, file) {
  return existsSync(file) ? { [path]: { type: 'js', file } } : {};
}

const browser = await launch();

/** Main-thread CPU time (ms, Chromium's ThreadTime): unlike TaskDuration it does not count time the OS gave other processes. */
async function cpuMs(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'ThreadTime').value * 1000;
}

/** One fresh visitor: control round-trip, then the burst; returns the figures. */
async function run(prefix = '') {
  const context = await browser.newContext();
  const p = await context.newPage();
  const cdp = await context.newCDPSession(p);
  await cdp.send('Performance.enable');
  await p.goto(server.url + prefix + '/track.html');
  await p.waitForFunction(() => window.OneToOne && window.OneToOne.ready);
  await p.evaluate(() => window.OneToOne.ready);
  await p.waitForTimeout(300);

  const c0 = await taskMs(cdp);
  const cc0 = await cpuMs(cdp);
  await p.evaluate(async (n) => {
    const calls = [];
    for (let i = 0; i < n; i++) calls.push(Promise.resolve(true));
    await Promise.all(calls);
  }, CALLS);
  const control = (await taskMs(cdp)) - c0;
  const controlCpu = (await cpuMs(cdp)) - cc0;
  // A second control builds the same arguments as the burst: what is left after it is the SDK's own work.
  const a0 = await cpuMs(cdp);
  await p.evaluate(async (n) => {
    const calls = [];
    const stand = (name, properties) => Promise.resolve(name && properties && true);
    for (let i = 0; i < n; i++) {
      calls.push(stand('view_item', { items: [{ id: 'sku-' + (i % 200), category: 'c' + (i % 7), brand: 'b' + (i % 5), price: (i % 300) + 1 }] }));
    }
    await Promise.all(calls);
  }, CALLS);
  const argsCpu = (await cpuMs(cdp)) - a0;

  if (PROFILE) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  }
  const t0 = await taskMs(cdp);
  const tc0 = await cpuMs(cdp);
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
  const burstCpu = (await cpuMs(cdp)) - tc0;
  const cpu = PROFILE ? (await cdp.send('Profiler.stop')).profile : undefined;

  const persisted = await p.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('onetoone');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const store = open.result.transaction('kv').objectStore('kv');
      // The log holds one chunk (array) per commit; count the events in it.
      const log = store.getAll(IDBKeyRange.bound(['e', 0], ['e', Infinity]));
      const profile = store.get('profile');
      profile.onsuccess = () => resolve({ logEntries: log.result.flat().length, profileCount: profile.result.own.fields['n.view_item']?.v ?? 0 });
    };
  }));
  await context.close();
  return { mainThreadMs: burst - control, mainThreadCpuMs: burstCpu - controlCpu, sdkCpuMs: burstCpu - argsCpu, rawBurstMs: burst, controlMs: control, ...inPage, ...persisted, cpu };
}

if (PROFILE) {
  await run(); // warm-up
  const profiled = [];
  for (let i = 0; i < RUNS; i++) profiled.push(await run());
  await browser.close();
  await server.close();
  // Self time summed over the runs, reported per run.
  const total = new Map();
  for (const r of profiled) for (const [key, ms] of selfTimes(r.cpu)) total.set(key, (total.get(key) ?? 0) + ms / RUNS);
  const top = [...total].sort((a, b) => b[1] - a[1]).slice(0, 30);
  console.log(`CPU profile of the burst (unminified build, self ms per run, mean of ${RUNS}; main-thread median ${stats(profiled.map((r) => r.mainThreadMs)).median} ms with the profiler on):`);
  for (const [key, ms] of top) console.log(ms.toFixed(2).padStart(8), key);
  process.exit(0);
}

const pick = (runs, key) => stats(runs.map((r) => r[key]));
if (OTHER) {
  const current = [];
  const other = [];
  await run();
  await run('/other'); // warm-ups
  for (let i = 0; i < RUNS; i++) {
    // Alternate which goes first so drift in machine load does not favour one.
    const order = i % 2 ? ['/other', ''] : ['', '/other'];
    for (const prefix of order) (prefix ? other : current).push(await run(prefix));
  }
  await browser.close();
  await server.close();
  const summary = (runs) => ({ mainThreadMs: pick(runs, 'mainThreadMs'), mainThreadCpuMs: pick(runs, 'mainThreadCpuMs'), sdkCpuMs: pick(runs, 'sdkCpuMs'), loopMs: pick(runs, 'loopMs'), durableMs: pick(runs, 'durableMs'), resolvedTrue: pick(runs, 'resolvedTrue').median, profileCount: pick(runs, 'profileCount').median });
  const a = summary(current);
  const b = summary(other);
  const ratio = (key) => Math.round((a[key].median / b[key].median) * 100) / 100;
  console.log(JSON.stringify({ current: a, [OTHER]: b, ratioCurrentToOther: { mainThreadMs: ratio('mainThreadMs'), mainThreadCpuMs: ratio('mainThreadCpuMs'), sdkCpuMs: ratio('sdkCpuMs'), loopMs: ratio('loopMs'), durableMs: ratio('durableMs') } }, null, 2));
  process.exit(0);
}

const runs = [];
await run(); // warm-up (compilation caches), not reported
for (let i = 0; i < RUNS; i++) runs.push(await run());
await browser.close();
await server.close();

const result = {
  calls: CALLS,
  runs: RUNS,
  method: 'Chromium CDP Performance.getMetrics TaskDuration delta around the burst (all main-thread tasks: the loop, validation, folding, IndexedDB callbacks) minus a control evaluate of the same shape; mainThreadCpuMs the same with ThreadTime (main-thread CPU time, robust to other load on the machine); sdkCpuMs: ThreadTime minus a control that builds the same track() arguments (the caller cost) and calls a stand-in; loopMs/durableMs from performance.now() in the page',
  mainThreadMs: stats(runs.map((r) => r.mainThreadMs)),
  mainThreadCpuMs: stats(runs.map((r) => r.mainThreadCpuMs)),
  sdkCpuMs: stats(runs.map((r) => r.sdkCpuMs)),
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
console.log(JSON.stringify({ mainThreadMs: result.mainThreadMs, mainThreadCpuMs: result.mainThreadCpuMs, sdkCpuMs: result.sdkCpuMs, loopMs: result.loopMs, durableMs: result.durableMs, resolvedTrue: result.resolvedTrue, profileCount: result.profileCount, logEntries: result.logEntries }, null, 2));
