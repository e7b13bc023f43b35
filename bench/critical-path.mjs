// The critical path, from a Chromium trace: main-thread CPU from the moment
// the script starts running to the first decision, for OneToOne and for the
// floor (preact + idb-keyval: render one component after one IndexedDB read),
// in one run; and every long task (> 50 ms) of the page view that our scripts
// ran in, second stage included. Not a test: medians and ranges over fresh
// browser contexts. Usage: node bench/critical-path.mjs [--runs N] [--json] [--breakdown]
//   --breakdown  also prints where the span's CPU goes: each task's direct children by trace event
//                name (script events split into ours and other), mean ms per page view
import { writeFileSync } from 'node:fs';
import { buildFloor } from './lib/build-floor.mjs';
import { launch, runsArg, serve, stats, sdkRoutes } from './lib/browser.mjs';
import { SLOT, HEAD_RULE } from './lib/slot-page.mjs';

const RUNS = runsArg(9);
const page = (head) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>bench</title><style>${HEAD_RULE}</style>${head}</head><body>${SLOT}</body></html>`;
// The first decision is the moment a slot is marked decided; the mark lands in the trace.
const MARK_DECISION = `<script>new MutationObserver((rs) => { for (const r of rs) if (r.target.getAttribute('data-o2o-state') === 'decided' && !window.__decided) { window.__decided = true; performance.mark('first-decision'); } }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-o2o-state'] });</script>`;

const server = await serve({
  '/floor.html': { type: 'html', body: page('<script async src="/floor-decide.min.js"></script>') },
  '/onetoone.html': { type: 'html', body: page(MARK_DECISION + '<script async src="/onetoone.min.js" data-endpoint="/"></script>') },
  '/floor-decide.min.js': { type: 'js', file: await buildFloor('bench/.build/floor-decide.min.js', 'bench/floor/floor-decide.js') },
  ...sdkRoutes(),
});
const browser = await launch();
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8.execute', 'toplevel'];

/** The renderer main thread's events of one trace (the page's pid and tid), and the event that first ran `scriptName`. */
function mainThread(events, scriptName) {
  const script = events.find((e) => (e.name === 'EvaluateScript' || e.name === 'v8.compile') && String(e.args?.data?.url ?? '').endsWith(scriptName));
  if (!script) throw new Error(`no evaluation of ${scriptName} in the trace`);
  return { thread: events.filter((e) => e.pid === script.pid && e.tid === script.tid), startEvent: script };
}

/** Whether a task ran any of our scripts: a script event inside it names one of our files. */
const OURS = /onetoone[\w-]*\.min\.js/;
function ranOurs(task, thread) {
  const end = task.ts + task.dur;
  return thread.some((e) => e.ts >= task.ts && e.ts <= end && e !== task && OURS.test(String(e.args?.data?.url ?? e.args?.data?.scriptName ?? e.args?.data?.stackTrace?.[0]?.url ?? '')));
}

/**
 * One traced load of `path`: CPU ms (sum of top-level tasks' thread time) from the
 * start of the task that first ran `scriptName` to the end of the task holding the
 * first-decision mark, and the long tasks (> 50 ms) our scripts ran in over `settleMs`.
 */
async function traced(context, path, scriptName, settleMs) {
  const p = await context.newPage();
  await browser.startTracing(p, { categories: CATEGORIES });
  await p.goto(server.url + path, { waitUntil: 'load' });
  await p.waitForFunction(() => performance.getEntriesByName('first-decision').length > 0, null, { timeout: 10_000 });
  await p.waitForTimeout(settleMs);
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
  await p.close();
  const { thread, startEvent } = mainThread(trace.traceEvents, scriptName);
  const tasks = thread.filter((e) => e.name === 'RunTask' && e.ph === 'X').sort((a, b) => a.ts - b.ts);
  const mark = trace.traceEvents.find((e) => e.name === 'first-decision' && e.pid === startEvent.pid);
  if (!mark) throw new Error('no first-decision mark in the trace');
  const first = tasks.findIndex((t) => t.ts <= startEvent.ts && startEvent.ts <= t.ts + t.dur);
  const last = tasks.findIndex((t) => t.ts <= mark.ts && mark.ts <= t.ts + t.dur);
  const span = tasks.slice(first, (last < 0 ? tasks.findIndex((t) => t.ts > mark.ts) : last + 1) || undefined);
  const cpuMs = span.reduce((sum, t) => sum + (t.tdur ?? t.dur), 0) / 1000;
  const long = tasks.filter((t) => t.dur > 50_000 && ranOurs(t, thread)).map((t) => t.dur / 1000);
  return { cpuMs, wallMs: (mark.ts - startEvent.ts) / 1000, long, parts: BREAKDOWN ? partsOf(span, thread) : undefined };
}

const BREAKDOWN = process.argv.includes('--breakdown');
/** Scheduler events that only wrap a task's work: their children are what is counted. */
const WRAPPERS = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);
/** CPU ms of the tasks' direct children by event name (ours/other for script events); the rest is the tasks' own time. */
function partsOf(span, thread) {
  const parts = {};
  const add = (name, us) => (parts[name] = (parts[name] ?? 0) + us / 1000);
  for (const task of span) {
    const end = task.ts + task.dur;
    const inside = thread.filter((e) => e.ph === 'X' && e !== task && !WRAPPERS.has(e.name) && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    let covered = 0;
    let until = -1;
    for (const e of inside) {
      if (e.ts < until) continue; // nested in the previous direct child
      until = e.ts + e.dur;
      const url = String(e.args?.data?.url ?? e.args?.data?.scriptName ?? e.args?.data?.stackTrace?.[0]?.url ?? '');
      const who = url ? (OURS.test(url) ? ' (ours)' : ' (other)') : '';
      const us = e.tdur ?? e.dur;
      add(e.name + who, us);
      covered += us;
    }
    add('(task, outside any child event)', (task.tdur ?? task.dur) - covered);
  }
  return parts;
}

const results = { floor: [], cold: [], warm: [], floorWall: [], coldWall: [], warmWall: [], long: [] };
const parts = { floor: {}, warm: {}, cold: {} };
for (let run = 0; run < RUNS; run++) {
  const floorContext = await browser.newContext();
  // A returning floor visitor, as the warm OneToOne one: its read finds a value.
  await traced(floorContext, '/floor.html', 'floor-decide.min.js', 100);
  const floor = await traced(floorContext, '/floor.html', 'floor-decide.min.js', 100);
  await floorContext.close();
  const context = await browser.newContext();
  // Cold: a first visit; the page stays 2 s so the second stage runs, stores and its tasks are traced.
  const cold = await traced(context, '/onetoone.html', 'onetoone.min.js', 2000);
  const warm = await traced(context, '/onetoone.html', 'onetoone.min.js', 2000);
  await context.close();
  results.floor.push(floor.cpuMs), results.floorWall.push(floor.wallMs);
  results.cold.push(cold.cpuMs), results.coldWall.push(cold.wallMs);
  results.warm.push(warm.cpuMs), results.warmWall.push(warm.wallMs);
  results.long.push(...cold.long, ...warm.long);
  if (BREAKDOWN) for (const [kind, r] of [['floor', floor], ['warm', warm], ['cold', cold]]) for (const [name, ms] of Object.entries(r.parts)) (parts[kind][name] = (parts[kind][name] ?? 0) + ms / RUNS);
}
await browser.close();
await server.close();

const summary = {
  runs: RUNS,
  cpuToFirstDecisionMs: { floor: stats(results.floor), warm: stats(results.warm), cold: stats(results.cold) },
  warmMinusFloorCpuMs: stats(results.warm.map((v, i) => v - results.floor[i])),
  wallToFirstDecisionMs: { floor: stats(results.floorWall), warm: stats(results.warmWall), cold: stats(results.coldWall) },
  longTasks: { count: results.long.length, maxMs: results.long.length ? Math.max(...results.long) : 0, pageViews: RUNS * 2 },
  ...(BREAKDOWN ? { cpuBreakdownMeanMs: parts } : {}),
};
writeFileSync('bench/results/critical-path.json', JSON.stringify(summary, null, 2) + '\n');
if (process.argv.includes('--json')) console.log(JSON.stringify(summary));
else {
  const row = (label, s) => `| ${label} | ${s.median} | ${s.min}–${s.max} |`;
  console.log(`critical path, ${RUNS} fresh contexts (Chromium trace)`);
  console.log('| measure | median | range |\n| --- | --: | --: |');
  console.log(row('CPU ms, script start → first decision: floor', summary.cpuToFirstDecisionMs.floor));
  console.log(row('CPU ms, script start → first decision: OneToOne warm', summary.cpuToFirstDecisionMs.warm));
  console.log(row('CPU ms, script start → first decision: OneToOne cold', summary.cpuToFirstDecisionMs.cold));
  console.log(row('CPU ms, warm minus floor', summary.warmMinusFloorCpuMs));
  console.log(row('wall ms, script start → first decision: floor', summary.wallToFirstDecisionMs.floor));
  console.log(row('wall ms, script start → first decision: warm', summary.wallToFirstDecisionMs.warm));
  console.log(row('wall ms, script start → first decision: cold', summary.wallToFirstDecisionMs.cold));
  console.log(`long tasks (> 50 ms) running our scripts: ${summary.longTasks.count} in ${summary.longTasks.pageViews} page views (max ${summary.longTasks.maxMs} ms)`);
  if (BREAKDOWN) {
    const names = [...new Set(Object.values(parts).flatMap(Object.keys))].sort((a, b) => (parts.warm[b] ?? 0) - (parts.warm[a] ?? 0));
    const ms = (v) => (v ?? 0).toFixed(2);
    console.log('\nwhere the span CPU goes, mean ms per page view (direct children of its tasks)\n| event | floor | warm | cold |\n| --- | --: | --: | --: |');
    for (const name of names) console.log(`| ${name} | ${ms(parts.floor[name])} | ${ms(parts.warm[name])} | ${ms(parts.cold[name])} |`);
  }
}
