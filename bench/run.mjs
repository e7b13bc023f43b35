// `npm run bench`: the whole benchmark suite in Chromium (plus the Node model
// replay), one after another so they do not compete for the CPU. Each part
// writes its own JSON under bench/results/; this writes summary.json and
// summary.md and prints the table. Not a test: figures are medians and ranges.
// Usage: node bench/run.mjs [--quick]   (build first: npm run build)
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';

const quick = process.argv.includes('--quick');
const movielens = process.env.O2O_MOVIELENS ?? '../shared/data/ml-100k';

function run(label, args) {
  const started = Date.now();
  process.stderr.write(`bench: ${label}…\n`);
  const out = execFileSync('node', [...args, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  process.stderr.write(`bench: ${label} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  try {
    return JSON.parse(out);
  } catch {
    // Some parts print progress first; their result is the last JSON line.
    return JSON.parse(out.trim().split('\n').filter((l) => l.startsWith('{')).pop());
  }
}

const r = {};
r.size = run('size', ['scripts/size.mjs', '--report-only']);
r.load = run('load + init', ['bench/load-init.mjs', '--runs', quick ? '5' : '15']);
r.critical = run('critical path (trace)', ['bench/critical-path.mjs', '--runs', quick ? '3' : '9']);
r.track = run('1,000 track() calls', ['bench/track.mjs', '--runs', quick ? '3' : '7']);
r.latency = run('decide() latency', ['bench/model/run.mjs', 'bench/model/latency.ts']);
r.vitals = run('CLS and INP', ['bench/vitals.mjs', '--runs', quick ? '3' : '7']);
r.memory = run('10,000 events', ['bench/memory.mjs', '--events', quick ? '3000' : '10000']);
r.sync = run('bytes per session', ['bench/sync-bytes.mjs', '--runs', quick ? '2' : '5']);
r.modelSynthetic = run('model replay, synthetic population', ['bench/model/run.mjs', 'bench/model/main.ts']);
if (existsSync(`${movielens}/u.data`)) r.modelMovieLens = run('model replay, MovieLens 100K', ['bench/model/run.mjs', 'bench/model/main.ts', '--data', movielens]);

const range = (s) => `${s.median} (${s.min}–${s.max})`;
/** Range of one figure over the latency bench's fresh pages. */
const spread = (values) => (Math.min(...values) === Math.max(...values) ? `${values[0]}` : `${Math.min(...values)}–${Math.max(...values)}`);
const lines = [
  '| measure | value: median (range) | target |',
  '| --- | --: | --- |',
  ...r.size.budgets.map((b) => `| ${b.label}, brotli bytes | ${b.brotli} | ≤ ${b.bytes} |`),
  `| load + init main-thread ms beyond empty page: floor (preact + idb-keyval) | ${range(r.load.beyondEmptyMs.floor)} | |`,
  `| load + init main-thread ms beyond empty page: OneToOne | ${range(r.load.beyondEmptyMs.onetoone)} | within 3 ms of the floor |`,
  `| OneToOne minus floor, ms | ${range(r.load.onetooneMinusFloorMs)} | ≤ 3 |`,
  `| load + init main-thread CPU ms (ThreadTime) beyond empty page: floor / OneToOne | ${range(r.load.cpuBeyondEmptyMs.floor)} / ${range(r.load.cpuBeyondEmptyMs.onetoone)} | |`,
  `| OneToOne minus floor, main-thread CPU ms | ${range(r.load.cpuOnetooneMinusFloorMs)} | ≤ 3 |`,
  `| main-thread CPU ms, script start → first decision (trace): floor / OneToOne warm / cold | ${range(r.critical.cpuToFirstDecisionMs.floor)} / ${range(r.critical.cpuToFirstDecisionMs.warm)} / ${range(r.critical.cpuToFirstDecisionMs.cold)} | |`,
  `| OneToOne warm minus floor, CPU ms to first decision | ${range(r.critical.warmMinusFloorCpuMs)} | ≤ 3 |`,
  `| long tasks (> 50 ms) running our scripts, whole page view incl. second stage | ${r.critical.longTasks.count} in ${r.critical.longTasks.pageViews} page views (max ${r.critical.longTasks.maxMs} ms) | 0 |`,
  `| script start → first slot swapped, warm, ms | ${range(r.load.scriptStartToSlotMs.warm)} | ≤ 10 |`,
  `| script start → first slot swapped, cold, ms | ${range(r.load.scriptStartToSlotMs.cold)} | ≤ 20 |`,
  `| 1,000 track(): loop ms | ${range(r.track.loopMs)} | ≤ 5 |`,
  `| 1,000 track(): main-thread ms incl. writes | ${range(r.track.mainThreadMs)} | < 10 |`,
  `| 1,000 track(): main-thread CPU ms (ThreadTime) incl. writes | ${range(r.track.mainThreadCpuMs)} | < 10 |`,
  `| 1,000 track(): events persisted (resolved true) | ${range(r.track.resolvedTrue)} | 1,000 |`,
  `| decide() 50 candidates × 64 features, single decision p50 / p99 ms (timer ${r.latency.runs[0].timerResolutionMs} ms) | ${spread(r.latency.runs.map((x) => x.singleMs.p50))} / ${spread(r.latency.runs.map((x) => x.singleMs.p99))} | p99 < 0.5 |`,
  `| decide(), mean per decision in batches of 50, p50 / p99 ms | ${spread(r.latency.runs.map((x) => x.batchMeanMs.p50))} / ${spread(r.latency.runs.map((x) => x.batchMeanMs.p99))} | |`,
  `| CLS caused by our swaps (max over runs), warm / cold | ${r.vitals.warm.cls.max} / ${r.vitals.cold.cls.max} | 0 |`,
  `| INP ms with / without OneToOne | ${range(r.vitals.warm.inpMs)} / ${range(r.vitals.without.inpMs)} | no worse |`,
  `| heap growth after ${r.memory.events} events, MB | ${r.memory.heapMb.growth} | bounded |`,
  `| storage after ${r.memory.events} events, bytes (keys, queued deltas) | ${r.memory.idbBytes.after} (${r.memory.idbContents.keys}, ${r.memory.idbContents.queue}) | bounded |`,
  `| bytes synced per typical session: deltas / whole profiles | ${range(r.sync.deltaBytesPerSession)} / ${range(r.sync.wholeProfileBytesPerSession)} | |`,
];
const table = lines.join('\n');
writeFileSync('bench/results/summary.json', JSON.stringify(r, null, 2) + '\n');
writeFileSync('bench/results/summary.md', `# Benchmark summary (${new Date().toISOString()})\n\n${table}\n\nModel replay (synthetic):\n\n\`\`\`json\n${JSON.stringify(r.modelSynthetic.policies ?? r.modelSynthetic, null, 2)}\n\`\`\`\n` + (r.modelMovieLens ? `\nModel replay (MovieLens 100K):\n\n\`\`\`json\n${JSON.stringify(r.modelMovieLens.policies ?? r.modelMovieLens, null, 2)}\n\`\`\`\n` : ''));
console.log(table);
console.log('model (synthetic):', JSON.stringify(r.modelSynthetic.policies ?? r.modelSynthetic));
if (r.modelMovieLens) console.log('model (MovieLens 100K):', JSON.stringify(r.modelMovieLens.policies ?? r.modelMovieLens));
